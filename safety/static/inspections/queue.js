// The field outbox: every write of the inspection pages (an answer, a hazard, a photo, a
// signature) is a job kept in IndexedDB until the server has it, so a reload, a closed tab
// or a dropped signal loses nothing. Jobs are sent one at a time; each carries its own
// Idempotency-Key, so a retry after a lost response never makes a second hazard or photo.
// Network errors and 5xx are retried with exponential backoff (1 s, 2 s, 4 s … 60 s, with
// jitter); a refusal (4xx) stops the job and shows why. Pages work without this file.
// A 401 (the login expired) is not a refusal: the job keeps its place (status "login"),
// nothing more is sent until the next page load (after logging in again) or until the tab
// comes back to the front, and the panel offers the login link (docs/session-expiry.md).
(function () {
  "use strict";
  var DB_NAME = "safety-outbox";
  var STORE = "jobs";
  var DONE = "done"; // hazard job id -> created hazard id (photos queued behind it need it)
  var MAX_DELAY = 60000;
  var PRIORITY = { result: 0, hazard: 1, signature: 1, report: 1, photo: 2 };
  var dbPromise = null;
  var running = false;
  var timer = null;
  var listeners = [];
  var waiters = {};

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "id" });
        if (!db.objectStoreNames.contains(DONE)) db.createObjectStore(DONE, { keyPath: "id" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return dbPromise;
  }

  function tx(store, mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var out = fn(t.objectStore(store));
        t.oncomplete = function () { resolve(out && "result" in out ? out.result : out); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function all() {
    return tx(STORE, "readonly", function (s) { return s.getAll(); }).then(function (jobs) {
      return (jobs || []).sort(function (a, b) {
        return (PRIORITY[a.kind] - PRIORITY[b.kind]) || (a.created - b.created);
      });
    });
  }

  function put(job) { return tx(STORE, "readwrite", function (s) { s.put(job); }); }
  function remove(id) { return tx(STORE, "readwrite", function (s) { s.delete(id); }); }
  function doneOf(id) { return tx(DONE, "readonly", function (s) { return s.get(id); }); }

  var loginNeeded = false; // the server said 401: wait for a new login, keep every job
  var settled = false; // nothing waiting, as of the last look (synchronous, for tests)
  var generation = 0; // bumped by every enqueue: a look that started before one is stale

  function notify() {
    var seen = generation;
    return all().then(function (jobs) {
      settled = seen === generation && enqueuing === 0 &&
        !jobs.some(function (j) { return j.status !== "staged"; });
      listeners.forEach(function (fn) { fn(jobs); });
      return jobs;
    });
  }

  function csrf() {
    var el = document.querySelector('input[name="_csrf_token"]');
    return el ? el.value : "";
  }

  // A job: {kind, url, fields: {name: value}, files: [{name, blob, filename}], scope,
  // label, after?: job id whose created object's id replaces "{id}" in url, replaces?: a
  // string: an older pending job with the same `replaces` is dropped (the newer answer wins)}.
  var enqueuing = 0;

  function enqueue(spec) {
    var job = Object.assign({
      id: uuid(), key: uuid(), fields: {}, files: [], created: Date.now(), attempts: 0,
      nextAt: 0, status: "pending", error: ""
    }, spec);
    enqueuing += 1;
    generation += 1;
    settled = false;
    // One transaction: the new job is stored, and an older one it replaces dropped, at once.
    return tx(STORE, "readwrite", function (s) {
      if (spec.replaces) {
        var req = s.getAll();
        req.onsuccess = function () {
          req.result.forEach(function (j) {
            if (j.replaces === spec.replaces && j.status !== "uploading") s.delete(j.id);
          });
          s.put(job);
        };
      } else {
        s.put(job);
      }
    }).then(function () {
      enqueuing -= 1;
      notify();
      kick();
      return job;
    }, function (err) {
      enqueuing -= 1;
      throw err;
    });
  }

  // Resolves with {status, body} when the job finishes while this page is open.
  function wait(jobId) {
    return new Promise(function (resolve) { (waiters[jobId] = waiters[jobId] || []).push(resolve); });
  }

  function settle(jobId, outcome) {
    (waiters[jobId] || []).forEach(function (fn) { fn(outcome); });
    delete waiters[jobId];
  }

  function backoff(job, message) {
    job.attempts += 1;
    var delay = Math.min(MAX_DELAY, 1000 * Math.pow(2, job.attempts - 1));
    job.nextAt = Date.now() + delay * (0.8 + Math.random() * 0.4);
    job.status = "pending";
    job.error = message;
    return put(job);
  }

  function body(job) {
    if (!job.files.length) {
      var params = new URLSearchParams();
      Object.keys(job.fields).forEach(function (k) { params.append(k, job.fields[k]); });
      return params;
    }
    var form = new FormData();
    Object.keys(job.fields).forEach(function (k) { form.append(k, job.fields[k]); });
    job.files.forEach(function (f) { form.append(f.name, f.blob, f.filename || "photo.jpg"); });
    return form;
  }

  function send(job) {
    var url = job.url;
    var ready = job.after ? doneOf(job.after).then(function (d) {
      if (!d) return null;
      url = url.replace("{id}", String(d.objectId));
      return url;
    }) : Promise.resolve(url);
    return ready.then(function (u) {
      if (u === null) return "blocked";
      job.status = "uploading";
      return put(job).then(notify).then(function () {
        return fetch(u, {
          method: "POST",
          body: body(job),
          credentials: "same-origin",
          headers: { "Idempotency-Key": job.key, "x-csrftoken": csrf(), Accept: "application/json" }
        });
      }).then(function (resp) {
        return resp.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          return finish(job, resp.status, data);
        });
      }, function () {
        return backoff(job, "offline");
      });
    });
  }

  function finish(job, status, data) {
    if (status >= 200 && status < 300) {
      var objectId = data && data.id;
      var saveDone = objectId ? tx(DONE, "readwrite", function (s) {
        s.put({ id: job.id, objectId: objectId, at: Date.now() });
      }) : Promise.resolve();
      return saveDone.then(function () { return remove(job.id); }).then(function () {
        settle(job.id, { status: status, body: data });
        document.dispatchEvent(new CustomEvent("outbox:done", { detail: { job: job, body: data } }));
      });
    }
    if (status === 401) {
      // The login expired: keep the job (and everything behind it) for after the login.
      // Its waiters are not told: a form waiting on it shows "kept on this phone".
      loginNeeded = true;
      job.status = "login";
      job.error = "";
      job.nextAt = 0;
      return put(job);
    }
    // 409 "in progress" (the same key still running elsewhere) and 5xx: try again later.
    if (status >= 500 || status === 429 || (status === 409 && data && /progress/i.test(data.detail_en || data.detail || ""))) {
      return backoff(job, "HTTP " + status);
    }
    job.status = "failed";
    job.error = (data && data.detail) || "HTTP " + status;
    job.response = { status: status, body: data };
    return put(job).then(function () { settle(job.id, job.response); });
  }

  function pump() {
    if (running) return;
    if (loginNeeded) { notify(); return; }
    running = true;
    clearTimeout(timer);
    all().then(function (jobs) {
      var now = Date.now();
      var pending = jobs.filter(function (j) { return j.status === "pending" || j.status === "uploading"; });
      var ready = pending.filter(function (j) { return j.nextAt <= now; });
      var next = ready[0];
      if (!next) {
        running = false;
        if (pending.length) {
          var soonest = Math.min.apply(null, pending.map(function (j) { return j.nextAt; }));
          timer = setTimeout(pump, Math.max(200, soonest - now));
        }
        return notify();
      }
      return send(next).then(function (outcome) {
        if (outcome === "blocked") {
          // Its hazard is not created yet (still queued, or refused): look again later.
          next.status = "pending";
          next.nextAt = Date.now() + 2000;
          return put(next);
        }
      }).then(function () {
        running = false;
        return notify();
      }).then(function () { pump(); });
    }).catch(function () { running = false; });
  }

  function kick() { pump(); }

  // Manual retry of a failed job (after logging in again, say): back to pending at once.
  function retry(id) {
    return tx(STORE, "readonly", function (s) { return s.get(id); }).then(function (job) {
      if (!job) return;
      loginNeeded = false;
      job.status = "pending";
      job.nextAt = 0;
      job.attempts = 0;
      return put(job).then(kick);
    });
  }

  function discard(id) { return remove(id).then(notify); }

  window.addEventListener("online", function () {
    all().then(function (jobs) {
      return Promise.all(jobs.filter(function (j) { return j.status === "pending"; }).map(function (j) {
        j.nextAt = 0;
        return put(j);
      }));
    }).then(kick);
  });

  // A job left "uploading" by a closed page is sent again (its key makes that safe), and
  // so is one that waited for a login (this page load may be the one after the login; if
  // not, the first job meets the 401 again and the rest keep waiting).
  function recover() {
    loginNeeded = false;
    return all().then(function (jobs) {
      return Promise.all(jobs.filter(function (j) {
        return j.status === "uploading" || j.status === "login";
      }).map(function (j) {
        j.status = "pending";
        j.nextAt = 0;
        return put(j);
      }));
    });
  }

  // Logged in again in another tab: coming back to this one tries again.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && loginNeeded) recover().then(kick);
  });

  window.Outbox = {
    enqueue: enqueue,
    settled: function () { return settled; },
    loginNeeded: function () { return loginNeeded; },
    wait: wait,
    all: all,
    retry: retry,
    discard: discard,
    kick: kick,
    uuid: uuid,
    onChange: function (fn) { listeners.push(fn); all().then(fn); }
  };

  if (window.indexedDB) {
    recover().then(kick);
  }
})();
