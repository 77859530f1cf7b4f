// The import job page: poll the job's progress every second and move the bar; reload the
// page when the job ends (it then shows the preview or the result). Without JavaScript
// the page still shows the state at load and can be reloaded by hand.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || ["queued", "running"].indexOf(box.dataset.state) < 0) { return; }
  function text(id, value) {
    var node = document.getElementById(id);
    if (!node) { return; }
    // Counts as the page prints them at load: with thousands separators (100,000).
    node.textContent = value === null || value === undefined ? "…"
      : typeof value === "number" ? value.toLocaleString("en-US") : value;
  }
  // The state's name in the page's language, as the page printed it at load.
  var stateNames = JSON.parse(box.dataset.stateNames || "{}");
  // While running, what the job is doing (reading, checking, writing, finishing).
  var stepNames = JSON.parse(box.dataset.stepNames || "{}");
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (p) {
        document.getElementById("import-bar").value = p.fraction;
        box.dataset.state = p.state;
        var words = (p.step && stepNames[p.step]) || stateNames[p.state];
        if (words) { text("import-state", words); }
        text("rows-read", p.rows_read);
        text("rows-checked", p.rows_checked);
        text("rows-written", p.rows_written);
        var active = p.state === "queued" || p.state === "running";
        // Not counted yet (queued, or the file still opening): "…", not a file of 0 rows.
        text("rows-total", p.rows_total || !active ? p.rows_total : null);
        text("seconds-left", p.seconds_left);
        if (active) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.assign(box.dataset.pageUrl);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
