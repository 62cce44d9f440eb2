// The inspector's pages with JavaScript: answers save on tap, hazards and photos go through
// the outbox (queue.js), signatures are drawn on a canvas. Without this file every form
// still posts and redirects back. Texts come from data- attributes (the page's language).
(function () {
  "use strict";
  var Outbox = window.Outbox;
  if (!Outbox || !window.indexedDB) return;
  document.documentElement.classList.add("js");
  var root = document.querySelector("[data-inspection]");
  var scope = root ? root.getAttribute("data-inspection") : null;
  var textsEl = document.querySelector("[data-texts]");
  var texts = textsEl ? textsEl.dataset : {};

  function $(sel, el) { return (el || document).querySelector(sel); }
  function $$(sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); }
  function text(name, fallback) { return texts[name] || fallback; }

  // ------------------------------------------------------------------ the checklist walk

  function setChoice(form, value, state) {
    form.setAttribute("data-result", value);
    $$("button.choice", form).forEach(function (b) {
      var on = b.value === value;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var log = $(".log-hazard", form);
    if (log) log.hidden = value !== "fail";
    form.classList.remove("missing");
    showState(form, state);
    recount();
  }

  function showState(form, state) {
    var el = $("[data-state]", form);
    if (!el) return;
    el.setAttribute("data-state", state || "");
    el.textContent = state ? text(state, state) : "";
  }

  function recount() {
    var forms = $$("form[data-autosave]");
    var answered = forms.filter(function (f) { return f.getAttribute("data-result"); }).length;
    $$("[data-answered]").forEach(function (el) { el.textContent = answered; });
    $$("progress[data-progress]").forEach(function (el) { el.value = answered; });
    $$("details.section").forEach(function (d) {
      var fs = $$("form[data-autosave]", d);
      var n = fs.filter(function (f) { return f.getAttribute("data-result"); }).length;
      var c = $("[data-section-count]", d);
      if (c) c.textContent = n + "/" + fs.length;
      d.classList.toggle("complete", n === fs.length);
    });
  }

  function saveAnswer(form) {
    var item = form.getAttribute("data-item");
    var result = form.getAttribute("data-result");
    if (!result) return;
    var note = $("textarea[name=note]", form);
    Outbox.enqueue({
      kind: "result",
      url: form.action,
      scope: scope,
      label: form.getAttribute("data-label") || item,
      replaces: "result:" + scope + ":" + item,
      item: item,
      fields: { item_id: item, result: result, note: note ? note.value : "" }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("form[data-autosave] button.choice");
    if (!button) return;
    event.preventDefault();
    var form = button.form;
    setChoice(form, button.value, "pending");
    saveAnswer(form);
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.name === "note" && el.form && el.form.hasAttribute("data-autosave")) {
      if (el.form.getAttribute("data-result")) {
        showState(el.form, "pending");
        saveAnswer(el.form);
      }
    }
  });

  document.addEventListener("outbox:done", function (event) {
    var job = event.detail.job;
    if (job.kind === "result" && job.scope === scope) {
      var form = document.getElementById("item-" + job.item);
      if (form) showState(form, "saved");
    }
  });

  // ------------------------------------------------------------------ the outbox panel

  function jobLine(job, login) {
    var li = document.createElement("li");
    li.className = "job job-" + job.status;
    if (job.kind === "photo" && job.files[0]) {
      var img = document.createElement("img");
      img.alt = "";
      img.src = URL.createObjectURL(job.files[0].blob);
      img.onload = function () { URL.revokeObjectURL(img.src); };
      li.appendChild(img);
    }
    var label = document.createElement("span");
    label.className = "job-label";
    label.textContent = text("kind" + job.kind.charAt(0).toUpperCase() + job.kind.slice(1), job.kind) +
      (job.label ? " · " + job.label : "");
    li.appendChild(label);
    var state = document.createElement("span");
    state.className = "job-state";
    // While the login is expired every waiting job waits for it (none is tried before).
    var shown = login && job.status === "pending" ? "login" : job.status;
    var word = text("job" + shown.charAt(0).toUpperCase() + shown.slice(1), shown);
    if (job.status === "pending" && job.attempts) word += " (" + job.attempts + ")";
    if (job.status === "failed" && job.error) word += ": " + job.error;
    state.textContent = word;
    li.appendChild(state);
    if (job.status === "failed") {
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "secondary small";
      retry.textContent = text("retry", "retry");
      retry.addEventListener("click", function () { Outbox.retry(job.id); });
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "link small";
      drop.textContent = text("discard", "discard");
      drop.addEventListener("click", function () {
        if (window.confirm(text("discardConfirm", "?"))) Outbox.discard(job.id);
      });
      li.appendChild(retry);
      li.appendChild(drop);
    }
    return li;
  }

  var panel = $("[data-outbox]");
  var pendingForScope = 0;
  Outbox.onChange(function (jobs) {
    var live = jobs.filter(function (j) { return j.status !== "staged"; });
    pendingForScope = live.filter(function (j) { return j.scope === scope; }).length;
    if (!panel) return;
    var login = live.some(function (j) { return j.status === "login"; });
    var list = $("ul", panel);
    list.textContent = "";
    live.forEach(function (j) { list.appendChild(jobLine(j, login)); });
    var count = $("[data-outbox-count]", panel);
    if (count) count.textContent = live.length;
    panel.hidden = live.length === 0;
    var failed = live.some(function (j) { return j.status === "failed"; });
    panel.classList.toggle("has-failed", failed);
    if (failed) panel.open = true;
    // The login expired: everything stays queued; say so, with the way back to this page.
    var banner = $("[data-outbox-login]", panel);
    if (banner) {
      if (login && banner.hidden) panel.open = true;
      banner.hidden = !login;
      var link = $("a", banner);
      if (link) {
        link.href = "/login?reason=expired&next=" +
          encodeURIComponent(location.pathname + location.search);
      }
    }
    panel.classList.toggle("needs-login", login);
  });

  // Answers still in the outbox (this tab or an earlier one) show on the page as chosen.
  if (scope) {
    Outbox.all().then(function (jobs) {
      jobs.forEach(function (job) {
        if (job.kind !== "result" || job.scope !== scope) return;
        var form = document.getElementById("item-" + job.item);
        if (!form) return;
        var note = $("textarea[name=note]", form);
        if (note) note.value = job.fields.note;
        setChoice(form, job.fields.result, job.status === "failed" ? "failed" : "pending");
      });
    });
  }

  var submitForm = $("form[data-submit]");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      if (pendingForScope > 0) {
        event.preventDefault();
        var msg = $("[data-submit-wait]");
        if (msg) msg.hidden = false;
        if (panel) panel.open = true;
        Outbox.kick();
      }
    });
  }

  // ------------------------------------------------------------------ JSON form helpers

  function formFields(form) {
    var out = {};
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string") out[key] = value;
    });
    return out;
  }

  function showErrors(form, outcome) {
    $$(".field .err.js-err", form).forEach(function (el) { el.remove(); });
    $$(".field.invalid", form).forEach(function (el) { el.classList.remove("invalid"); });
    var body = outcome.body || {};
    var general = $("[data-form-error]", form);
    var extra = body.extra || [];
    var unplaced = [];
    extra.forEach(function (e) {
      var field = $('[data-field="' + e.key + '"]', form);
      if (!field) { unplaced.push(e.message); return; }
      field.classList.add("invalid");
      var span = document.createElement("span");
      span.className = "err js-err";
      span.setAttribute("role", "alert");
      span.textContent = e.message;
      field.appendChild(span);
    });
    if (general) {
      general.hidden = false;
      general.textContent = [body.detail || ("HTTP " + outcome.status)].concat(unplaced).join(" · ");
    }
    var first = $(".field.invalid", form) || general;
    if (first) first.scrollIntoView({ block: "center" });
  }

  function timeout(ms) {
    return new Promise(function (resolve) { setTimeout(function () { resolve(null); }, ms); });
  }

  // ------------------------------------------------------------------ the hazard form

  var hazardForm = $("form[data-hazard-form]");
  if (hazardForm) setUpHazardForm(hazardForm);

  function setUpHazardForm(form) {
    var storageKey = "hazard-draft:" + location.pathname + location.search;
    var draft = sessionStorage.getItem(storageKey);
    if (!draft) {
      draft = Outbox.uuid();
      sessionStorage.setItem(storageKey, draft);
    }
    // The level decides which fields apply and the default deadline (shown, and kept in
    // step with the level until the inspector types a date of their own).
    var level = $("select[name=level]", form);
    var deadline = $("input[name=deadline]", form);
    var ownDate = deadline && deadline.value !== "";
    if (deadline) deadline.addEventListener("input", function () { ownDate = true; });
    function syncLevel() {
      var value = level ? level.value : "general";
      form.classList.toggle("level-major", value === "major");
      form.classList.toggle("level-general", value !== "major");
      if (deadline && !ownDate) deadline.value = deadline.getAttribute("data-default-" + value) || "";
      var spot = $("input[name=fixed_on_spot]", form);
      if (spot && value === "major") spot.checked = false;
    }
    if (level) level.addEventListener("change", syncLevel);
    syncLevel();

    var input = $("input[type=file][data-photos]", form);
    var list = $("[data-photo-list]", form);
    var photoUrl = form.getAttribute("data-photo-url");

    function renderStaged() {
      Outbox.all().then(function (jobs) {
        list.textContent = "";
        jobs.filter(function (j) { return j.status === "staged" && j.draft === draft; })
          .forEach(function (job) {
            var li = document.createElement("li");
            var img = document.createElement("img");
            img.alt = job.label;
            img.src = URL.createObjectURL(job.files[0].blob);
            li.appendChild(img);
            var rm = document.createElement("button");
            rm.type = "button";
            rm.className = "remove";
            rm.setAttribute("aria-label", text("removePhoto", "remove"));
            rm.textContent = "×";
            rm.addEventListener("click", function () { Outbox.discard(job.id).then(renderStaged); });
            li.appendChild(rm);
            list.appendChild(li);
          });
      });
    }

    // Kept in IndexedDB at once: the photo survives a reload before the form is sent.
    function stagePicked() {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) return Promise.resolve();
      return Promise.all(files.map(function (file) {
        return Outbox.enqueue({
          kind: "photo", status: "staged", draft: draft, scope: scope, url: photoUrl,
          label: file.name, fields: { kind: "problem" },
          files: [{ name: "file", blob: file, filename: file.name }]
        });
      })).then(function () {
        input.value = "";
        renderStaged();
      });
    }

    if (input) {
      input.addEventListener("change", stagePicked);
      // On a slow phone a photo can be picked before this script runs: stage it too, or
      // the JS submit (which sends only staged photos) would drop it.
      renderStaged();
      stagePicked();
    }

    function releasePhotos(hazardId, hazardJobId) {
      return Outbox.all().then(function (jobs) {
        return Promise.all(jobs.filter(function (j) {
          return j.status === "staged" && j.draft === draft;
        }).map(function (j) {
          return Outbox.discard(j.id).then(function () {
            var spec = {
              kind: "photo", scope: j.scope, label: j.label, fields: j.fields, files: j.files,
              key: j.key, url: hazardId ? photoUrl.replace("{id}", String(hazardId)) : photoUrl
            };
            if (!hazardId) spec.after = hazardJobId;
            return Outbox.enqueue(spec);
          });
        }));
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = $("button[type=submit]", form);
      if (button) button.disabled = true;
      var fields = formFields(form);
      Outbox.enqueue({
        kind: "hazard", url: form.action, scope: scope, key: draft,
        label: (fields.description || "").slice(0, 24), fields: fields
      }).then(function (job) {
        return Promise.race([Outbox.wait(job.id), timeout(5000)]).then(function (outcome) {
          if (outcome && outcome.status >= 400) {
            if (button) button.disabled = false;
            return Outbox.discard(job.id).then(function () { showErrors(form, outcome); });
          }
          var hazardId = outcome && outcome.body && outcome.body.id;
          return releasePhotos(hazardId, job.id).then(function () {
            sessionStorage.removeItem(storageKey);
            var back = form.getAttribute("data-done-url");
            // Back to the failed item (its section opens), or to the hazard itself.
            var item = form.getAttribute("data-done-item");
            var query = [];
            if (!hazardId) query.push("queued=1");
            if (item) query.push("item=" + item);
            location.href = back + (query.length ? "?" + query.join("&") : "") +
              (item ? "#item-" + item : hazardId ? "#hazard-" + hazardId : "#hazards");
          });
        });
      });
    });
  }

  // ------------------------------------------------------------------ photos of a hazard

  $$("form[data-photo-form]").forEach(function (form) {
    var input = $("input[type=file]", form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var files = Array.prototype.slice.call(input.files || []);
      Promise.all(files.map(function (file) {
        return Outbox.enqueue({
          kind: "photo", scope: scope, url: form.action, label: file.name,
          fields: { kind: "problem" }, files: [{ name: "file", blob: file, filename: file.name }]
        });
      })).then(function () { input.value = ""; });
    });
    input.addEventListener("change", function () { form.requestSubmit(); });
  });

  // A photo that arrives while its hazard is on screen shows without a reload.
  document.addEventListener("outbox:done", function (event) {
    var job = event.detail.job;
    var b = event.detail.body || {};
    if (job.kind !== "photo" || !b.page_thumbnail_url) return;
    var m = /hazards\/(\d+)\/photos/.exec(job.url.replace("{id}", ""));
    var gallery = m ? document.getElementById("photos-" + m[1]) : null;
    if (!gallery || gallery.querySelector('[data-photo="' + b.id + '"]')) return;
    var a = document.createElement("a");
    a.href = b.page_display_url;
    a.setAttribute("data-photo", b.id);
    var img = document.createElement("img");
    img.src = b.page_thumbnail_url;
    img.alt = "";
    a.appendChild(img);
    gallery.appendChild(a);
  });

  // ------------------------------------------------------------------ signatures

  $$("form[data-signature]").forEach(setUpSignature);

  function setUpSignature(form) {
    var canvas = $("canvas[data-pad]", form);
    var ctx = canvas.getContext("2d");
    var drawn = false;
    var last = null;

    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, rect.width, rect.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      drawn = false;
    }
    resize();
    // A pad inside a closed <details> (signing again) has no size until it opens.
    var holder = form.closest("details");
    if (holder) holder.addEventListener("toggle", function () { if (holder.open) resize(); });

    function point(e) {
      var rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    }
    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      last = point(e);
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      ctx.fillStyle = "#111";
      ctx.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!last) return;
      e.preventDefault();
      var p = point(e);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
      form.classList.add("drawn");
    });
    function end() { last = null; }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    var clear = $("[data-clear]", form);
    if (clear) clear.addEventListener("click", function () { resize(); form.classList.remove("drawn"); });

    var refused = $("input[name=refused]", form);
    function syncRefused() {
      form.classList.toggle("refusing", !!(refused && refused.checked));
    }
    if (refused) refused.addEventListener("change", syncRefused);
    syncRefused();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = formFields(form);
      var isRefusal = refused && refused.checked;
      var status = $("[data-sign-status]", form);
      if (!isRefusal && !drawn) {
        showErrors(form, { status: 400, body: { detail: text("signFirst", "sign first"), extra: [] } });
        return;
      }
      var blobReady = isRefusal ? Promise.resolve(null) : new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/png");
      });
      blobReady.then(function (blob) {
        if (isRefusal) delete fields.refused;
        else delete fields.refused_reason;
        return Outbox.enqueue({
          kind: "signature", url: form.action, scope: scope, label: fields.signer_name || "",
          replaces: "signature:" + scope + ":" + fields.signer, fields: fields,
          files: blob ? [{ name: "file", blob: blob, filename: fields.signer + ".png" }] : []
        });
      }).then(function (job) {
        if (status) { status.hidden = false; status.textContent = text("pending", "…"); }
        return Promise.race([Outbox.wait(job.id), timeout(5000)]).then(function (outcome) {
          if (outcome && outcome.status >= 400) {
            if (status) status.hidden = true;
            return Outbox.discard(job.id).then(function () { showErrors(form, outcome); });
          }
          if (outcome) { location.reload(); return; }
          if (status) status.textContent = text("queued", "queued");
        });
      });
    });
  }
})();
