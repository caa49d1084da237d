/* Infohus: initialise the design system and small progressive enhancements.
 * Loaded with `defer`; every page works without it. No inline scripts (CSP). */
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");

  function focusAfterSwap(target) {
    // After htmx redraws a section, move focus to its first error or its status message.
    var invalid = target.querySelector("[aria-invalid='true'], .form-error input, .form-error textarea");
    var status = target.querySelector("[data-focus]");
    var element = invalid || status;
    if (element) {
      element.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.DKFDS) {
      window.DKFDS.init();
    }
    document.body.addEventListener("htmx:afterSettle", function (event) {
      // An outerHTML swap replaces the target element; find its successor by id.
      var target = event.detail.target;
      if (!target) {
        return; // a history restore has no target
      }
      if (!target.isConnected && target.id) {
        target = document.getElementById(target.id);
      }
      if (target) {
        focusAfterSwap(target);
      }
    });
  });
})();
