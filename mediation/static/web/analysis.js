// The analysis page's charts (Apache ECharts, served by this site). The tables beside them hold
// the same figures, for screen readers and for anyone without scripts. Tooltips are drawn on the
// canvas (renderMode richText): the content security policy allows no inline styles.
(function () {
  "use strict";
  var source = document.getElementById("analysis-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    option.tooltip = Object.assign({ renderMode: "richText" }, option.tooltip || {});
    option.grid = Object.assign({ containLabel: true, left: 8, right: 16, top: 16, bottom: 8 }, option.grid || {});
    chart.setOption(option);
    charts.push(chart);
  }

  draw("trend-chart", {
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.trend.periods },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: data.texts.complaints, type: "line", data: data.trend.counts, showSymbol: false }],
  });
  if (data.regions.names.length) {
    draw("regions-chart", {
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.regions.names.slice().reverse() },
      series: [{ name: data.texts.complaints, type: "bar", data: data.regions.counts.slice().reverse() }],
    });
  }
  draw("types-chart", {
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.problemTypes.names.slice().reverse() },
    series: [{ name: data.texts.complaints, type: "bar", data: data.problemTypes.counts.slice().reverse() }],
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
