/* Infohus case list. Removing a filter tag clears that field in the filter form and
 * submits the form through htmx, so the form and the results stay in step; without
 * JavaScript the tag is an ordinary link. Empty fields are left out of the URL.
 * Loaded with `defer` from the case list only; no inline scripts (CSP). */
(function () {
  "use strict";

  function clearFields(form, name) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "sort" || (name !== "*" && field.name !== name)) {
        return;
      }
      if (field.type === "checkbox") {
        field.checked = false;
      } else if (field.type !== "submit") {
        field.value = "";
      }
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-clear]") : null;
    var form = document.getElementById("case-filter");
    if (!link || !form || !window.htmx) {
      return;
    }
    event.preventDefault();
    clearFields(form, link.getAttribute("data-clear"));
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      window.htmx.trigger(form, "submit");
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id !== "case-filter") {
      return;
    }
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (name) {
      if (parameters[name] === "") {
        delete parameters[name];
      }
    });
  });
})();
