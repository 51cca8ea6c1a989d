/* Picture cards being made: ask the server how far they have got every second, show it, then the PDF to open.
   Without this file the page still works: "Check again" reloads it. */
(function () {
  "use strict";
  var box = document.getElementById("cards-job");
  if (!box || !window.fetch) { return; }
  var status = document.getElementById("cards-status");
  var bar = document.getElementById("cards-bar");
  var ready = document.getElementById("cards-ready");
  var again = document.getElementById("cards-again");
  var FINISHED = ["done", "failed", "stopped", "expired"];

  function show(job) {
    status.textContent = job.message;
    bar.max = job.total;
    bar.value = job.done;
    box.dataset.state = job.state;
    if (FINISHED.indexOf(job.state) === -1) { return false; }
    again.hidden = true;
    ready.textContent = "";
    if (job.pdf) {
      var link = document.createElement("a");
      link.href = job.pdf;
      link.textContent = ready.dataset.open || "Open the cards (PDF)";
      ready.appendChild(link);
    } else { // said once, by the status region, instead of beside the bar
      status.textContent = "";
      ready.textContent = job.message;
    }
    return true;
  }

  function ask() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") === -1) { throw new Error("lost"); }
        return response.json();
      })
      .then(function (job) { if (!show(job)) { window.setTimeout(ask, 1000); } })
      .catch(function () { status.textContent = box.dataset.lost; again.hidden = false; });
  }

  if (FINISHED.indexOf(box.dataset.state) === -1) { window.setTimeout(ask, 1000); }
}());
