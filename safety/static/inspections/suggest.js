// The hazard form without a checklist item: while the description is typed, the 3 closest
// library items (requirement, legal basis, default level) show under it; "采用" fills the
// basis, level, category and sub-category (never the description). Debounced, one small
// request at a time, the older answer dropped; without this file the form is the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-suggest]");
  var input = document.querySelector("[data-suggest-input]");
  if (!box || !input || !window.fetch) return;
  var d = box.dataset;
  var timer = null;
  var seq = 0;
  var last = "";

  function set(name, value) {
    var el = input.form.elements[name];
    if (!el || value === undefined || value === null) return;
    el.value = value;
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function render(items) {
    box.textContent = "";
    if (!items.length) { box.hidden = true; return; }
    var title = document.createElement("p");
    title.className = "suggest-title";
    title.textContent = d.title;
    box.appendChild(title);
    var list = document.createElement("ul");
    items.forEach(function (it) {
      var li = document.createElement("li");
      li.setAttribute("data-suggestion", it.code);
      var head = document.createElement("div");
      var level = document.createElement("span");
      level.className = "badge " + (it.default_level === "major" ? "bad" : "warn");
      level.textContent = it.default_level === "major" ? d.levelMajor : d.levelGeneral;
      var code = document.createElement("span");
      code.className = "code";
      code.textContent = it.code;
      head.appendChild(code);
      head.appendChild(document.createTextNode(" " + it.text + " "));
      head.appendChild(level);
      li.appendChild(head);
      if (it.legal_basis) {
        var basis = document.createElement("p");
        basis.className = "basis";
        basis.textContent = it.legal_basis;
        li.appendChild(basis);
      }
      var use = document.createElement("button");
      use.type = "button";
      use.className = "secondary small";
      use.textContent = d.use;
      use.addEventListener("click", function () {
        set("legal_basis", it.legal_basis);
        set("level", it.default_level);
        set("category", it.category);
        set("subcategory", it.subcategory);
        set("major_basis", it.major_basis);
        box.hidden = true;
      });
      li.appendChild(use);
      list.appendChild(li);
    });
    box.appendChild(list);
    box.hidden = false;
  }

  function ask() {
    var q = input.value.trim().slice(0, 200);
    if (q === last) return;
    last = q;
    if (q.length < 2) { render([]); return; }
    var mine = ++seq;
    fetch(d.url + "?q=" + encodeURIComponent(q), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) { if (mine === seq) render(body.items || []); })
      .catch(function () { /* no signal: no suggestions, the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  });
})();
