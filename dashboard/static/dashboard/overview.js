// The leaders' overview: draws each panel's chart from its JSON (json_script, written by the server from the
// same numbers as the table beside it). A click on a bar, slice or point opens the records it counts.
(function () {
  "use strict";
  var PALETTE = ["#b91c1c", "#1d4ed8", "#15803d", "#b45309", "#7c3aed", "#0f766e", "#be185d", "#4b5563"];
  var charts = [];

  function hideZero(p) { return p.value ? String(p.value) : ""; }

  function seriesData(s) {
    return s.data.map(function (d) { return {value: d.value, url: d.url}; });
  }

  function option(spec) {
    var base = {
      color: PALETTE,
      animation: false,
      tooltip: {trigger: spec.chart === "pie" ? "item" : "axis"},
      legend: {top: 0, type: "scroll"}
    };
    if (spec.chart === "pie") {
      var s = spec.series[0];
      base.series = [{
        type: "pie", name: s.name, radius: ["35%", "65%"], top: 24,
        label: {formatter: "{b}\n{c}"},
        data: s.data.map(function (d, i) { return {name: spec.categories[i], value: d.value, url: d.url}; })
          .filter(function (d) { return d.value; })  // empty slices stay in the table only
      }];
      return base;
    }
    var horizontal = spec.chart === "hbar";
    var category = {type: "category", data: spec.categories, axisLabel: {interval: 0, width: 90, overflow: "truncate"}};
    var value = {type: "value", minInterval: 1};
    base.grid = {left: horizontal ? 110 : 40, right: 40, top: 36, bottom: horizontal ? 20 : 60, containLabel: false};
    base.xAxis = horizontal ? value : Object.assign({}, category, {axisLabel: {interval: 0, rotate: spec.categories.length > 6 ? 35 : 0}});
    base.yAxis = horizontal ? Object.assign({}, category, {inverse: true}) : [value];
    base.series = spec.series.map(function (s) {
      if (s.kind === "line") {
        base.yAxis.push({type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}, splitLine: {show: false}});
        return {type: "line", name: s.name, yAxisIndex: 1, data: seriesData(s), connectNulls: true};
      }
      var bar = {type: "bar", name: s.name, data: seriesData(s),
        label: {show: true, position: horizontal ? "right" : "top", formatter: hideZero}};
      if (spec.chart === "stack") { bar.stack = "total"; bar.label.position = "inside"; }
      return bar;
    });
    if (spec.series.length === 1) { base.legend.show = false; base.grid.top = 16; }
    return base;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source || !window.echarts || el.getAttribute("data-drawn")) { return; }
    el.setAttribute("data-drawn", "1");
    var spec = JSON.parse(source.textContent);
    // SVG renders crisply on paper and scales when the page is printed.
    var chart = window.echarts.init(el, null, {renderer: "svg"});
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.href = url; }
    });
    charts.push(chart);
  }

  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }

  function drawIn(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".chart[data-source]"), draw);
  }

  // Panels loaded after the page (htmx), e.g. the persons below the minimums, are drawn when they arrive.
  document.addEventListener("htmx:load", function (e) { drawIn(e.target.parentNode || document); });

  document.addEventListener("DOMContentLoaded", function () {
    drawIn(document);
    window.addEventListener("resize", resizeAll);
    window.addEventListener("beforeprint", resizeAll);
    window.addEventListener("afterprint", resizeAll);
    var print = document.querySelector("[data-print]");
    if (print) { print.addEventListener("click", function () { window.print(); }); }
  });
})();
