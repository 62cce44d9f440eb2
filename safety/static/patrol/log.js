// The patrol-log form (网格日志) through the page outbox (../inspections/queue.js): the entry
// is kept in IndexedDB and sent with its own Idempotency-Key until the server has it, so a
// worker with no signal loses nothing and a retry never doubles it (the server also merges
// a second entry of the same day). Without this file the form posts as usual.
(function () {
  "use strict";
  function status(form, text) {
    var el = form.querySelector("[data-plog-status]");
    if (!el) return;
    el.hidden = false;
    el.textContent = text;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-patrol-log") || !window.Outbox || !window.indexedDB) return;
    event.preventDefault();
    var visited = Array.prototype.map.call(
      form.querySelectorAll('input[name="visited"]:checked'), function (b) { return b.value; });
    var fields = {
      org_unit_id: form.elements.org_unit_id.value,
      date: form.elements.date.value,
      visited_ids: visited.join(","),
      notes: form.elements.notes.value
    };
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var holder = form.querySelector("[data-plog-status]");
    window.Outbox.enqueue({
      kind: "log", url: form.action, fields: fields, scope: "patrol-log",
      label: fields.date
    }).then(function (job) {
      var shown = false;
      var slow = setTimeout(function () {
        shown = true;
        status(form, holder.getAttribute("data-queued"));
        if (button) button.disabled = false;
      }, 3000);
      return window.Outbox.wait(job.id).then(function (outcome) {
        clearTimeout(slow);
        if (outcome.status >= 200 && outcome.status < 300) {
          var merged = outcome.body && outcome.body.merged;
          if (!shown) {
            location.href = "/patrol/logs?done=" + (merged ? "merged" : "saved");
          } else {
            status(form, holder.getAttribute(merged ? "data-merged" : "data-saved"));
          }
          return;
        }
        if (button) button.disabled = false;
        var body = outcome.body || {};
        var extra = (body.extra || []).map(function (e) { return e.message; }).join("；");
        status(form, (body.detail || ("HTTP " + outcome.status)) + (extra ? "：" + extra : ""));
        window.Outbox.discard(job.id);
      });
    });
  });
})();
