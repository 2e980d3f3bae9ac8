// SAI Gateway dashboard: numbers and dates in the browser's locale, copy buttons, confirmations, charts (uPlot).
// Loaded as a file, never inline: the page's Content-Security-Policy allows only the gateway's own scripts.
(function () {
  "use strict";
  var locale = navigator.languages && navigator.languages.length ? navigator.languages[0] : navigator.language;
  var numbers = new Intl.NumberFormat(locale);
  var percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  var dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });

  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  function formatAll() {
    each("data[value]", function (el) {
      var v = Number(el.getAttribute("value"));
      if (!isFinite(v)) { return; }
      var kind = el.getAttribute("data-format");
      if (kind === "percent") { el.textContent = percent.format(v); }
      else if (kind === "ms") { el.textContent = numbers.format(Math.round(v)) + " ms"; }
      else { el.textContent = numbers.format(v); }
    });
    each("time[datetime]", function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d.getTime())) { el.textContent = dates.format(d); }
    });
  }

  function copyButtons() {
    each("button[data-copy]", function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source) { return; }
        var text = source.textContent.trim();
        var done = function () { button.textContent = button.getAttribute("data-copied") || button.textContent; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
        } else {
          selectText(source);
          done();
        }
      });
    });
  }

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { document.execCommand("copy"); } catch (e) { /* the text stays selected for Ctrl+C */ }
  }

  function confirmations() {
    each("form[data-confirm]", function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  function rangeInputs() {
    each("select[data-range]", function (select) {
      var custom = document.getElementById(select.getAttribute("data-range"));
      if (!custom) { return; }
      var sync = function () { custom.classList.toggle("hidden", select.value !== "custom"); };
      select.addEventListener("change", sync);
      sync();
    });
  }

  var palette = ["#1f5fbf", "#c2410c", "#15803d", "#7c3aed", "#be123c", "#0e7490"];

  // data-chart: {"x":[unix seconds...],"series":[{"label":"...","values":[...],"axis":"y"|"y2"}]}
  function charts() {
    if (typeof uPlot === "undefined") { return; }
    each("[data-chart]", function (el) {
      var spec;
      try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
      var data = [spec.x];
      var series = [{}];
      var y2 = false;
      spec.series.forEach(function (s, i) {
        data.push(s.values);
        if (s.axis === "y2") { y2 = true; }
        series.push({ label: s.label, stroke: palette[i % palette.length], width: 2, scale: s.axis === "y2" ? "y2" : "y",
          points: { show: spec.x.length < 3 || isolated(s.values) }, value: function (u, v) { return v == null ? "–" : numbers.format(v); } });
      });
      var axes = [{}, { scale: "y", values: function (u, vals) { return vals.map(function (v) { return numbers.format(v); }); } }];
      if (y2) { axes.push({ scale: "y2", side: 1, grid: { show: false }, values: function (u, vals) { return vals.map(function (v) { return numbers.format(v); }); } }); }
      var width = function () { return Math.max(240, el.clientWidth); };
      var plot = new uPlot({ width: width(), height: 220, series: series, axes: axes,
        scales: { x: { time: true } }, legend: { live: true } }, data, el);
      el.setAttribute("data-rendered", "true");
      window.addEventListener("resize", function () { plot.setSize({ width: width(), height: 220 }); });
    });
  }

  // A value with no value either side (latency in the one busy bucket of a day) draws no line: show it as a point.
  function isolated(values) {
    for (var i = 0; i < values.length; i++) {
      if (values[i] != null && (i === 0 || values[i - 1] == null) && (i === values.length - 1 || values[i + 1] == null)) { return true; }
    }
    return false;
  }

  function start() {
    formatAll();
    copyButtons();
    confirmations();
    rangeInputs();
    charts();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
