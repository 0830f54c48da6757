// Visits per month on the coverage page (ECharts); the values come in data-values of #per-month-chart.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("per-month-chart");
  if (!el || !window.echarts) return;
  var values = el.getAttribute("data-values").split(",").map(Number);
  var chart = echarts.init(el);
  chart.setOption({
    grid: {left: 30, right: 10, top: 20, bottom: 30},
    xAxis: {type: "category", data: ["1月","2月","3月","4月","5月","6月","7月","8月","9月","10月","11月","12月"]},
    yAxis: {type: "value", minInterval: 1},
    tooltip: {trigger: "axis"},
    series: [{type: "bar", data: values, itemStyle: {color: "#b91c1c"}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
