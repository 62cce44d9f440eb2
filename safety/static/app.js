// Small progressive enhancements; pages work without this file (CSP forbids inline scripts,
// so behaviour is attached here by data attributes).
(function () {
  "use strict";
  // <form data-confirm="..."> asks before submitting (disabling a user, voiding a hazard).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // <select data-autosubmit> submits its form on change (filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
  // <input type="checkbox" data-check-all="NAME"> ticks or clears every box named NAME in
  // its form ("select all shown" on the campaign and batch pickers).
  document.addEventListener("change", function (event) {
    var el = event.target;
    var name = el.getAttribute && el.getAttribute("data-check-all");
    if (!name || !el.form) return;
    var boxes = el.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = el.checked;
  });
  // <select data-shows-group="G">: of the elements [data-group="G"], only the one whose
  // data-group-value is the selected value stays visible (a batch's agency → its experts).
  function showGroup(select) {
    var group = select.getAttribute("data-shows-group");
    var parts = document.querySelectorAll('[data-group="' + group + '"]');
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = select.value !== "" && parts[i].getAttribute("data-group-value") !== select.value;
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-shows-group")) showGroup(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var selects = document.querySelectorAll("select[data-shows-group]");
    for (var i = 0; i < selects.length; i++) showGroup(selects[i]);
  });
})();
