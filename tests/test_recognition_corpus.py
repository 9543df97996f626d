"""The acceptance corpus (tests/recognition_corpus.py): every readable spelling resolves,
not one lands on a wrong unit, form, field or period, and every case that must be rejected
is rejected — the exact tally, so a change in either direction is seen."""

import recognition_corpus as rc


def test_corpus_tally_is_exact():
    counts, details = rc.tally()
    wrong = [(c.kind, c.text, c.expected, got) for c, got, out, _ in details if out == "wrong"]
    missed = [
        (c.kind, c.text, c.expected)
        for c, got, out, _ in details
        if out == "rejected" and c.expected is not None
    ]
    assert wrong == []
    assert missed == []
    tally = {k: (c["cases"], c["resolved"], c["wrong"], c["rejected"]) for k, c in counts.items()}
    assert tally == {
        "unit": (2654, 2564, 0, 90),
        "award": (304, 290, 0, 14),
        "header": (39, 39, 0, 0),
        "period": (45, 36, 0, 9),
    }


def test_rejected_typos_and_merged_units_suggest_the_unit_meant():
    counts, _ = rc.tally()
    assert counts["unit"]["suggest_expected"] == counts["unit"]["suggest_hit"] == 37
