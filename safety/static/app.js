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
})();
