"""The slides of the meeting deck one can choose (`thidua meeting --trang`): a module of its
own so that `--help` lists them without importing pandas."""

# the slides one can choose with `thidua meeting --trang`, in the deck's usual order
PAGES = {
    "tieu-de": "trang tiêu đề",
    "tong-quan": "số liệu chính",
    "so-sanh": "khen thưởng so với cùng kỳ năm trước",
    "chi-tieu": "tỷ lệ chỉ tiêu đạt",
    "xep-hang": "điểm thi đua và xếp hạng",
    "khen-don-vi": "khen thưởng theo đơn vị",
    "khen-hinh-thuc": "khen thưởng theo hình thức",
    "sang-kien": "sáng kiến, đề tài",
    "khen-qua-nam": "khen thưởng qua các năm",
    "tung-chi-tieu": "mỗi chỉ tiêu một trang",
}
