// Offline rate control under each scenario chart (markup: blocks.html.j2; data: analysis/rate_control.py).
// Every number and word, and every point of each rate's path on the chart, was computed in Python and
// embedded as JSON; this only shows the entry for the chosen rate: the rate, the sentence, and the path
// (the points of the <polyline> over the chart). No library, no network; embedded once per page, allowed
// by the page's CSP through its sha256.
(function () {
  document.querySelectorAll(".rate-control").forEach(function (box) {
    var data = JSON.parse(box.querySelector('script[type="application/json"]').textContent);
    var input = box.querySelector('input[type="range"]');
    var rate = box.querySelector(".rate-control-rate");
    var out = box.querySelector("output");
    var figure = box.dataset.figure ? document.getElementById(box.dataset.figure) : null;
    var overlay = figure && data.paths ? figure.querySelector(".rate-path") : null;
    var path = overlay ? overlay.querySelector("polyline") : null;
    function show() {
      var i = Number(input.value);
      rate.textContent = data.labels[i];
      input.setAttribute("aria-valuetext", data.labels[i]); // read aloud as the rate, not the position
      out.textContent = data.texts[i];
      if (path) path.setAttribute("points", data.paths[i]);
    }
    input.addEventListener("input", show);
    show();
    if (overlay) overlay.hidden = false;
    box.hidden = false;
  });
})();
