// Switches between the views drawn ahead of time for each choice of the filters.
(function () {
  "use strict";
  var views = JSON.parse(document.getElementById("views").textContent);
  var form = document.getElementById("filters");
  var holder = document.getElementById("panels");
  var banner = document.getElementById("banner");
  var nodata = document.getElementById("nodata");
  var config = { displayModeBar: false, responsive: true };

  function key() {
    return Array.prototype.map.call(form.querySelectorAll("select"), function (s) {
      return s.value;
    }).join("|");
  }

  function element(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (text) { el.textContent = text; }
    return el;
  }

  function show() {
    var k = key();
    var view = views[k];
    holder.querySelectorAll(".js-plotly-plot").forEach(function (d) { Plotly.purge(d); });
    holder.innerHTML = "";
    nodata.hidden = !!view;
    banner.hidden = !(view && view.illustrative);
    if (!view) { return; }
    if (window.location.hash !== "#" + encodeURIComponent(k)) {
      history.replaceState(null, "", "#" + encodeURIComponent(k));
    }
    view.panels.forEach(function (p) {
      var section = element("section", "panel");
      section.appendChild(element("h2", null, p.title));
      if (p.figure) {
        var chart = element("div", "chart");
        chart.id = "chart-" + p.id;
        section.appendChild(chart);
        holder.appendChild(section);
        Plotly.newPlot(chart, p.figure.data, p.figure.layout, config);
        var png = element("button", "download", "Tải ảnh biểu đồ (PNG)");
        png.type = "button";
        png.addEventListener("click", function () {
          Plotly.downloadImage(chart, { format: "png", width: 1600, height: 900,
                                        filename: p.title });
        });
        section.appendChild(png);
      }
      if (p.note) { section.appendChild(element("p", "note", p.note)); }
      var details = element("details", "rows");
      details.open = !p.figure;
      details.appendChild(element("summary", null, "Các dòng số liệu của biểu đồ"));
      var wrap = element("div", "table");
      wrap.id = "table-" + p.id;
      wrap.innerHTML = p.table;
      details.appendChild(wrap);
      section.appendChild(details);
      holder.appendChild(section);  // (again for table-only panels: appendChild moves, never copies)
    });
  }

  var wanted = decodeURIComponent(window.location.hash.slice(1)).split("|");
  var selects = form.querySelectorAll("select");
  if (wanted.length === selects.length) {
    selects.forEach(function (s, i) {
      if (Array.prototype.some.call(s.options, function (o) { return o.value === wanted[i]; })) {
        s.value = wanted[i];
      }
    });
  }
  form.addEventListener("change", show);
  show();
})();
