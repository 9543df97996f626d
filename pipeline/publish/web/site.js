// The site's only script (no library but the local plotly.min.js, nothing fetched):
// switches between the views drawn ahead of time for each choice of the filters, builds each
// panel's table from its rows (the same rows the downloads hold), sorts and searches every
// table, offers each panel's rows as CSV and Excel, and fits the charts to an A4 page when
// printing.
(function () {
  "use strict";
  var config = { displayModeBar: false, responsive: true };
  var PRINT_WIDTH = 680; // px: the width of an A4 page less its margins

  function element(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (text) { el.textContent = text; }
    return el;
  }

  // -- tables: sort by a heading, search the rows -------------------------------------------
  var collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });

  function cellValue(td) {
    var v = td.getAttribute("data-v");
    return v === null ? null : parseFloat(v);
  }

  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var up = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = a.cells[col], y = b.cells[col];
      var vx = cellValue(x), vy = cellValue(y);
      var r;
      if (vx !== null && vy !== null) { r = vx - vy; }
      else if (vx !== null) { r = -1; }
      else if (vy !== null) { r = 1; }
      else { r = collator.compare(x.textContent, y.textContent); }
      return up ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
      .replace(/Đ/g, "d").toLowerCase();
  }

  function enhance(table) {
    if (table.getAttribute("data-ready")) { return; }
    table.setAttribute("data-ready", "1");
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.title = "Bấm để sắp xếp theo cột này";
      th.addEventListener("click", function () { sortBy(table, i, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, i, th); }
      });
    });
    var rows = table.tBodies[0].rows;
    if (rows.length < 10) { return; }
    var box = element("input", "search");
    box.type = "search";
    box.placeholder = "Tìm trong bảng (" + rows.length + " dòng)…";
    box.setAttribute("aria-label", "Tìm trong bảng");
    var count = element("span", "count");
    box.addEventListener("input", function () {
      var q = fold(box.value.trim());
      var shown = 0;
      Array.prototype.forEach.call(rows, function (r) {
        var hit = !q || fold(r.textContent).indexOf(q) >= 0;
        r.hidden = !hit;
        if (hit) { shown += 1; }
      });
      count.textContent = q ? shown + "/" + rows.length + " dòng" : "";
    });
    var bar = element("div", "tablebar");
    bar.appendChild(box);
    bar.appendChild(count);
    var holder = table.parentNode.classList.contains("table") ? table.parentNode : table;
    holder.parentNode.insertBefore(bar, holder);
  }

  function wrapTables(root) {
    Array.prototype.forEach.call(root.querySelectorAll("table.data"), function (t) {
      if (!t.parentNode.classList.contains("table")) {
        var wrap = element("div", "table");
        t.parentNode.insertBefore(wrap, t);
        wrap.appendChild(t);
      }
      enhance(t);
    });
  }

  // -- a panel's table from its rows ----------------------------------------------------------
  // The cells as dashboards.py's _cell writes them: numbers 1.234,5 (whole numbers without
  // decimals, a half rounded to even as Python does), «+» on a change that grew, years and
  // ranks without decimals, period codes and dates in words; the words come with the page.
  var cells = { words: {}, classes: {}, periods: {} };

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function vnNumber(x) {
    var negative = x < 0 || Object.is(x, -0);
    var a = Math.abs(x), text;
    if (Number.isInteger(a)) {
      text = a.toFixed(0);
    } else {
      var q = a * 4;  // a tie at one decimal (…,25 or …,75): to the even digit
      if (Number.isInteger(q) && q % 2 === 1) {
        a = (q % 4 === 1 ? Math.floor(a * 10) : Math.ceil(a * 10)) / 10;
      }
      text = a.toFixed(1);
    }
    var parts = text.split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (negative ? "-" : "") + whole + (parts.length > 1 ? "," + parts[1] : "");
  }

  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?/;

  function cellText(v, format) {
    if (v === null || v === undefined) { return cells.words.none; }
    if (typeof v === "boolean") { return v ? cells.words.yes : cells.words.no; }
    if (format === "p" && typeof v === "string" && cells.periods[v]) { return cells.periods[v]; }
    if (format === "w") { return typeof v === "number" ? String(Math.trunc(v)) : String(v); }
    if (typeof v === "number") { return (format === "d" && v > 0 ? "+" : "") + vnNumber(v); }
    if (format === "t" && typeof v === "string") {
      var m = ISO_DATE.exec(v);
      if (m) { return m[3] + "/" + m[2] + "/" + m[1] + (m[4] ? " " + m[4] + ":" + m[5] : ""); }
    }
    return String(v);
  }

  function rowsOf(columns) {  // a panel's rows from its values, written column by column
    var n = columns.length ? columns[0].length : 0, rows = new Array(n);
    for (var i = 0; i < n; i++) {
      var r = new Array(columns.length);
      for (var j = 0; j < columns.length; j++) { r[j] = columns[j][i]; }
      rows[i] = r;
    }
    return rows;
  }

  function tableHtml(p) {
    if (!p.rows.length || !p.columns.length) {
      return '<p class="empty">' + escapeHtml(cells.words.empty) + "</p>";
    }
    var out = ['<table class="data"><thead><tr>'];
    p.headers.forEach(function (h) { out.push("<th>" + escapeHtml(h) + "</th>"); });
    out.push("</tr></thead><tbody>");
    var formats = p.formats;
    p.rows.forEach(function (r) {
      out.push("<tr>");
      for (var i = 0; i < r.length; i++) {
        var v = r[i], text = cellText(v, formats[i]);
        if (typeof v === "number") {
          out.push('<td class="num" data-v="' + v + '">');
        } else {
          var cls = cells.classes[text];
          out.push(cls ? '<td class="' + cls + '">' : "<td>");
        }
        out.push(escapeHtml(text), "</td>");
      }
      out.push("</tr>");
    });
    out.push("</tbody></table>");
    return out.join("");
  }

  // -- downloads ----------------------------------------------------------------------------
  function save(name, type, parts) {
    var url = URL.createObjectURL(new Blob(parts, { type: type }));
    var a = element("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function csvField(v) {
    if (v === null || v === undefined) { return ""; }
    var s = String(v);
    if (typeof v === "string" && /^[=+\-@]/.test(s)) { s = "'" + s; } // never a formula
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function csv(p) {
    var lines = [p.headers.map(csvField).join(",")];
    p.rows.forEach(function (r) { lines.push(r.map(csvField).join(",")); });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  var CRC = (function () {
    var t = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) { c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
      t.push(c >>> 0);
    }
    return t;
  })();

  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) { c = CRC[(c ^ bytes[i]) & 0xff] ^ (c >>> 8); }
    return (c ^ 0xffffffff) >>> 0;
  }

  function zip(files) { // stored (uncompressed) zip: enough for a small workbook
    var enc = new TextEncoder(), out = [], central = [], offset = 0;
    function u16(v) { return [v & 0xff, (v >>> 8) & 0xff]; }
    function u32(v) { return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]; }
    files.forEach(function (f) {
      var name = enc.encode(f.name), data = enc.encode(f.text), crc = crc32(data);
      var common = [].concat(u16(20), u16(0x0800), u16(0), u16(0), u16(0x21), u32(crc),
                             u32(data.length), u32(data.length), u16(name.length), u16(0));
      var local = new Uint8Array([].concat(u32(0x04034b50), common));
      out.push(local, name, data);
      central.push(new Uint8Array([].concat(u32(0x02014b50), u16(20), common, u16(0), u16(0),
                                            u16(0), u32(0), u32(offset))), name);
      offset += local.length + name.length + data.length;
    });
    var size = central.reduce(function (s, b) { return s + b.length; }, 0);
    var end = new Uint8Array([].concat(u32(0x06054b50), u16(0), u16(0), u16(files.length),
                                       u16(files.length), u32(size), u32(offset), u16(0)));
    return out.concat(central, [end]);
  }

  function xml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
  }

  function xlsxCell(v) {
    if (v === null || v === undefined) { return "<c/>"; }
    if (typeof v === "number") { return "<c><v>" + v + "</v></c>"; }
    if (typeof v === "boolean") { return '<c t="b"><v>' + (v ? 1 : 0) + "</v></c>"; }
    return '<c t="inlineStr"><is><t xml:space="preserve">' + xml(v) + "</t></is></c>";
  }

  function xlsx(p, title, illustrative) {
    var rows = [];
    if (illustrative) { rows.push([document.getElementById("banner").textContent.trim()]); }
    rows.push([title]);
    rows.push(p.headers);
    p.rows.forEach(function (r) { rows.push(r); });
    var sheet = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
      rows.map(function (r) { return "<row>" + r.map(xlsxCell).join("") + "</row>"; }).join("") +
      "</sheetData></worksheet>";
    var ns = "http://schemas.openxmlformats.org/";
    return zip([
      { name: "[Content_Types].xml", text: '<?xml version="1.0" encoding="UTF-8"?>' +
        '<Types xmlns="' + ns + 'package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        "</Types>" },
      { name: "_rels/.rels", text: '<?xml version="1.0" encoding="UTF-8"?>' +
        '<Relationships xmlns="' + ns + 'package/2006/relationships">' +
        '<Relationship Id="rId1" Type="' + ns + 'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        "</Relationships>" },
      { name: "xl/workbook.xml", text: '<?xml version="1.0" encoding="UTF-8"?>' +
        '<workbook xmlns="' + ns + 'spreadsheetml/2006/main" xmlns:r="' + ns +
        'officeDocument/2006/relationships"><sheets><sheet name="Số liệu" sheetId="1" r:id="rId1"/>' +
        "</sheets></workbook>" },
      { name: "xl/_rels/workbook.xml.rels", text: '<?xml version="1.0" encoding="UTF-8"?>' +
        '<Relationships xmlns="' + ns + 'package/2006/relationships">' +
        '<Relationship Id="rId1" Type="' + ns + 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        "</Relationships>" },
      { name: "xl/worksheets/sheet1.xml", text: sheet }
    ]);
  }

  function button(text, title, onclick) {
    var b = element("button", "download", text);
    b.type = "button";
    b.title = title;
    b.addEventListener("click", onclick);
    return b;
  }

  // -- charts and printing ------------------------------------------------------------------
  function charts() { return document.querySelectorAll("#panels .js-plotly-plot"); }

  function fitForPrint(on) {
    Array.prototype.forEach.call(charts(), function (d) {
      if (on) { Plotly.relayout(d, { width: PRINT_WIDTH }); }
      else { Plotly.relayout(d, { width: null, autosize: true }); }
    });
  }
  window.addEventListener("beforeprint", function () { fitForPrint(true); });
  window.addEventListener("afterprint", function () { fitForPrint(false); });
  if (window.matchMedia) {
    var mq = window.matchMedia("print");
    var onChange = function (e) { fitForPrint(e.matches); };
    if (mq.addEventListener) { mq.addEventListener("change", onChange); }
    else if (mq.addListener) { mq.addListener(onChange); }
  }

  // -- views --------------------------------------------------------------------------------
  wrapTables(document);
  var data = document.getElementById("views");
  if (!data) { return; }
  var payload = JSON.parse(data.textContent);
  var views = payload.views;
  var pool = payload.panels;  // a panel shown in several views is written once
  cells = payload.cells;
  var template = JSON.parse(document.getElementById("template").textContent);  // one per page
  var form = document.getElementById("filters");
  var holder = document.getElementById("panels");
  var banner = document.getElementById("banner");
  var nodata = document.getElementById("nodata");

  function key() {
    return Array.prototype.map.call(form.querySelectorAll("select"), function (s) {
      return s.value;
    }).join("|");
  }

  function panel(p, view) {
    var section = element("section", "panel");
    section.appendChild(element("h2", null, p.title));
    holder.appendChild(section);
    var tools = element("div", "tools");
    if (p.figure) {
      var chart = element("div", "chart");
      chart.id = "chart-" + p.id;
      section.appendChild(chart);
      var layout = JSON.parse(JSON.stringify(p.figure.layout));
      layout.template = template;
      var fullTitle = layout.title;
      layout.title = { text: "" };  // the card's heading is the title: one title per card
      layout.margin = Object.assign({}, layout.margin, { t: 24 });
      if (layout.height) { layout.height = Math.max(300, layout.height - 70); }
      var narrow = window.innerWidth < 600;
      if (narrow) {  // a phone: smaller type, room on the right for the bar labels
        layout.font = Object.assign({}, layout.font, { size: 11 });
        layout.margin = Object.assign({}, layout.margin, { l: 40, r: 56, b: 90 });
      }
      var traces = p.figure.data.map(function (t) {
        // labels outside the bars are never cut at the plot's edge
        if (t.type === "bar") { return Object.assign({}, t, { cliponaxis: false }); }
        if (narrow && t.type === "scatter" && Array.isArray(t.text) && t.text.length > 4) {
          // a phone has no room for a label per year: the last one, the rest on touch
          var last = -1;
          t.text.forEach(function (s, i) { if (s) { last = i; } });
          return Object.assign({}, t, { text: t.text.map(function (s, i) {
            return i === last ? s : "";
          }) });
        }
        return t;
      });
      Plotly.newPlot(chart, traces, layout, config);
      tools.appendChild(button("Tải ảnh (PNG)", "Ảnh biểu đồ 1600×900, có tiêu đề", function () {
        var fig = { data: chart.data, layout: Object.assign({}, chart.layout,
          { title: fullTitle, width: 1600, height: 900, margin: p.figure.layout.margin || template.layout.margin }) };
        Plotly.toImage(fig, { format: "png", width: 1600, height: 900 }).then(function (url) {
          var a = element("a");
          a.href = url;
          a.download = p.file + ".png";
          document.body.appendChild(a);
          a.click();
          a.remove();
        });
      }));
    }
    var suffix = view.illustrative ? "_minh_hoa" : "";
    tools.appendChild(button("Tải CSV", "Các dòng số liệu dưới đây, dạng CSV (UTF-8)", function () {
      save(p.file + suffix + ".csv", "text/csv;charset=utf-8", [csv(p)]);
    }));
    tools.appendChild(button("Tải Excel", "Các dòng số liệu dưới đây, tệp .xlsx", function () {
      save(p.file + suffix + ".xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           xlsx(p, p.title + " — " + view.label, view.illustrative));
    }));
    section.appendChild(tools);
    if (p.note) { section.appendChild(element("p", "note", p.note)); }
    var details = element("details", "rows");
    details.open = !p.figure;
    details.appendChild(element("summary", null, "Các dòng số liệu" +
      (p.figure ? " của biểu đồ" : "") + " (" + p.rows.length + ")"));
    var wrap = element("div", "table");
    wrap.id = "table-" + p.id;
    wrap.innerHTML = tableHtml(p);  // every text escaped
    details.appendChild(wrap);
    section.appendChild(details);
    var table = wrap.querySelector("table");
    if (table) { enhance(table); }
  }

  // A choice with no view (e.g. a cluster not known in that period) moves the other filters
  // to the nearest choice that has one, keeping the filter the person just changed.
  function settle(changed) {
    if (views[key()]) { return; }
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var best = null, bestCost = Infinity;
    Object.keys(views).forEach(function (k) {
      var parts = k.split("|");
      if (changed >= 0 && parts[changed] !== selects[changed].value) { return; }
      var cost = 0;
      selects.forEach(function (s, i) {
        var idx = Array.prototype.findIndex.call(s.options, function (o) {
          return o.value === parts[i];
        });
        cost += idx < 0 ? 1000 : (s.value === parts[i] ? 0 : 1 + idx / 100);
      });
      if (cost < bestCost) { best = parts; bestCost = cost; }
    });
    if (best) { selects.forEach(function (s, i) { s.value = best[i]; }); }
  }

  function show() {
    var k = key();
    var view = views[k];
    Array.prototype.forEach.call(charts(), function (d) { Plotly.purge(d); });
    holder.innerHTML = "";
    nodata.hidden = !!view;
    banner.hidden = !(view && view.illustrative);
    if (!view) { return; }
    var label = element("p", "viewlabel", view.label);  // what the panels below are of
    label.id = "viewlabel";
    holder.appendChild(label);
    if (window.location.hash !== "#" + encodeURIComponent(k)) {
      history.replaceState(null, "", "#" + encodeURIComponent(k));
    }
    if (view.links.length) {  // former and successor units, in the same half and territory
      var links = element("p", "viewlinks", "Đơn vị liên quan: ");
      links.id = "viewlinks";
      view.links.forEach(function (l, i) {
        var a = element("a", null, l.text);
        a.href = "#" + encodeURIComponent(l.key);
        if (i) { links.appendChild(document.createTextNode(" · ")); }
        links.appendChild(a);
      });
      holder.appendChild(links);
    }
    view.panels.forEach(function (ref) {
      var base = pool[ref.ref];
      if (!base.rows) { base.rows = rowsOf(base.values); }
      panel(Object.assign({}, base, { id: ref.id, file: ref.file }), view);
    });
  }

  function fromHash() {  // the filters kept in the address (#value|value|…)
    var wanted = decodeURIComponent(window.location.hash.slice(1)).split("|");
    var selects = form.querySelectorAll("select");
    if (wanted.length !== selects.length) { return false; }
    selects.forEach(function (s, i) {
      if (Array.prototype.some.call(s.options, function (o) { return o.value === wanted[i]; })) {
        s.value = wanted[i];
      }
    });
    return true;
  }
  if (!fromHash() && form.dataset.default) {  // the page's first view: one that has data
    window.location.replace("#" + encodeURIComponent(form.dataset.default));
    fromHash();
  }
  window.addEventListener("hashchange", function () {
    if (window.location.hash !== "#" + encodeURIComponent(key())) {
      fromHash();
      settle(-1);
      show();
    }
  });
  form.addEventListener("change", function (e) {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    settle(selects.indexOf(e.target));
    show();
  });
  settle(-1);
  show();
})();
