// 随手拍: the report form goes through the field outbox (../inspections/queue.js): the
// report is a job with its own Idempotency-Key, its photos are jobs queued behind it, all
// kept in IndexedDB until the server has them. A dropped signal loses nothing; a retry
// after a lost response creates nothing twice. The phone's position is read once, only
// when the grid worker taps the button (the browser asks for consent). Without this file
// the form is a plain multipart post.
(function () {
  "use strict";
  var status = document.querySelector("[data-patrol-status]");
  if (!status || !window.Outbox || !window.indexedDB) return;

  // "已上报，编号 #123 查看": each report the server has taken while this page is open —
  // at once, or later from the outbox (sent when the signal came back, or after a reload).
  var sentIds = [];
  Array.prototype.forEach.call(status.querySelectorAll("[data-report-id]"), function (el) {
    sentIds.push(Number(el.getAttribute("data-report-id")));
  });
  function sayReport(id) {
    if (!id || sentIds.indexOf(id) >= 0) return;
    if (!status.querySelector("[data-report-id]")) status.textContent = "";
    sentIds.push(id);
    var line = document.createElement("span");
    line.className = "patrol-sent";
    line.setAttribute("data-report-id", String(id));
    line.textContent = status.getAttribute("data-sent").replace("{id}", String(id)) + " ";
    var link = document.createElement("a");
    link.href = "/patrol/reports/" + id;
    link.textContent = status.getAttribute("data-view");
    line.appendChild(link);
    status.appendChild(line);
    status.hidden = false;
  }
  document.addEventListener("outbox:done", function (event) {
    var d = event.detail || {};
    if (d.job && d.job.kind === "report" && d.body) sayReport(d.body.id);
  });

  var form = document.querySelector("form[data-patrol-form]");
  if (!form) return;
  var photos = form.querySelector("input[type=file]");
  var previews = form.querySelector("[data-previews]");
  var gridSelect = form.querySelector("[data-grid-select]");
  var entSelect = form.querySelector("[data-enterprise-select]");
  var photoUrl = form.getAttribute("data-photo-url");

  // Only the enterprises of the chosen grid are offered.
  function filterEnterprises() {
    if (!gridSelect || !entSelect) return;
    var grid = gridSelect.value;
    Array.prototype.forEach.call(entSelect.options, function (o) {
      var g = o.getAttribute("data-grid");
      o.hidden = !!g && g !== grid;
      if (o.hidden && o.selected) entSelect.value = "";
    });
  }
  if (gridSelect) gridSelect.addEventListener("change", filterEnterprises);
  filterEnterprises();

  function showPreviews() {
    previews.textContent = "";
    Array.prototype.forEach.call(photos.files || [], function (file) {
      var li = document.createElement("li");
      var img = document.createElement("img");
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      li.appendChild(img);
      previews.appendChild(li);
    });
  }
  if (photos && previews) {
    photos.addEventListener("change", showPreviews);
    showPreviews(); // a photo picked before this script ran (a slow phone)
  }

  // Position: on request only.
  var geo = form.querySelector("[data-geo]");
  if (geo && navigator.geolocation) {
    geo.hidden = false;
    var button = geo.querySelector("[data-geo-button]");
    var note = geo.querySelector("[data-geo-status]");
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lat.value = pos.coords.latitude.toFixed(6);
        form.elements.lng.value = pos.coords.longitude.toFixed(6);
        note.textContent = button.getAttribute("data-ok");
      }, function () {
        note.textContent = button.getAttribute("data-failed");
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.name === "_csrf_token") return;
      out[el.name] = el.value;
    });
    return out;
  }

  function sayQueued() {
    sentIds = [];
    status.textContent = status.getAttribute("data-queued");
    status.hidden = false;
  }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".err[data-js]"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".field.invalid"), function (el) {
      el.classList.remove("invalid");
    });
  }

  function showErrors(outcome) {
    var extra = (outcome.body && outcome.body.extra) || [];
    extra.forEach(function (e) {
      var input = form.elements[e.key];
      var field = input && input.closest ? input.closest(".field") : null;
      if (!field) return;
      field.classList.add("invalid");
      var span = document.createElement("span");
      span.className = "err";
      span.setAttribute("data-js", "");
      span.setAttribute("role", "alert");
      span.textContent = e.message;
      field.appendChild(span);
    });
    if (!extra.length) {
      status.textContent = (outcome.body && outcome.body.detail) || ("HTTP " + outcome.status);
      status.hidden = false;
    }
  }

  function timeout(ms) { return new Promise(function (r) { setTimeout(function () { r(null); }, ms); }); }

  function reset() {
    var keep = gridSelect ? gridSelect.value : null;
    form.reset();
    if (keep) gridSelect.value = keep;
    filterEnterprises();
    if (previews) previews.textContent = "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    status.hidden = true;
    sentIds = [];
    var submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    var files = Array.prototype.slice.call((photos && photos.files) || []);
    var data = fields();
    Outbox.enqueue({
      kind: "report", url: form.action, label: (data.description || "").slice(0, 24), fields: data
    }).then(function (job) {
      // Photos wait behind the report (its id fills "{id}"); queued at once, so a closed
      // tab or a reload while offline keeps them too.
      return Promise.all(files.map(function (file) {
        return Outbox.enqueue({
          kind: "photo", url: photoUrl, after: job.id, label: file.name,
          files: [{ name: "file", blob: file, filename: file.name }]
        });
      })).then(function (photoJobs) {
        return Promise.race([Outbox.wait(job.id), timeout(4000)]).then(function (outcome) {
          submit.disabled = false;
          if (outcome && outcome.status >= 400) {
            // Refused (a field is wrong): nothing was stored; the grid worker fixes it.
            return Promise.all([job].concat(photoJobs).map(function (j) {
              return Outbox.discard(j.id);
            })).then(function () { showErrors(outcome); });
          }
          reset();
          if (outcome && outcome.body) sayReport(outcome.body.id);
          else sayQueued();
        });
      });
    }).catch(function () { submit.disabled = false; });
  });
})();
