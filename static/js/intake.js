/* Intake of a concern: progressive enhancement of the one-page form.
 * - the step indicator marks the step being filled in;
 * - step 4 lists what has been filled in so far, to read back during the call.
 * Loaded with `defer`; the form works fully without it. No inline scripts (CSP). */
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function markCurrentStep(anchor) {
    document.querySelectorAll("[data-intake-step]").forEach(function (link) {
      var current = link.getAttribute("data-intake-step") === anchor;
      link.parentElement.classList.toggle("current", current);
      if (current) {
        link.setAttribute("aria-current", "step");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  // One group's label and its filled-in value, or null when nothing is filled in.
  function entry(group) {
    var legend = group.querySelector("legend");
    var label = legend || group.querySelector("label");
    var checked = group.querySelectorAll("input[type=checkbox]:checked, input[type=radio]:checked");
    if (group.querySelector("input[type=checkbox], input[type=radio]")) {
      if (!legend) {
        // A single checkbox: its label is the statement that holds.
        return checked.length ? { label: text(label), value: "✓" } : null;
      }
      var chosen = Array.prototype.map.call(checked, function (input) {
        return text(group.querySelector("label[for='" + input.id + "']"));
      });
      return chosen.length ? { label: text(label), value: chosen.join(", ") } : null;
    }
    var field = group.querySelector("input:not([type=hidden]), select, textarea");
    if (!field || !field.value) {
      return null;
    }
    var value = field.value;
    if (field.tagName === "SELECT") {
      value = text(field.options[field.selectedIndex]);
    } else if (field.type === "date") {
      value = value.split("-").reverse().join(".");
    }
    return { label: text(label).replace(/\s*\(frivilligt\)$/, ""), value: value };
  }

  function refreshSummary(form, summary) {
    var list = summary.querySelector("dl");
    list.replaceChildren();
    form.querySelectorAll("[data-intake-section] > .form-group").forEach(function (group) {
      var item = entry(group);
      if (!item) {
        return;
      }
      var row = document.createElement("div");
      var term = document.createElement("dt");
      var detail = document.createElement("dd");
      term.textContent = item.label;
      detail.textContent = item.value;
      row.append(term, detail);
      list.append(row);
    });
    summary.hidden = list.children.length === 0;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    var summary = document.getElementById("intake-summary");
    if (!form || !summary) {
      return;
    }
    form.addEventListener("focusin", function (event) {
      var section = event.target.closest("[data-intake-section]");
      if (section) {
        markCurrentStep(section.id);
      }
    });
    form.addEventListener("change", function () {
      refreshSummary(form, summary);
    });
    refreshSummary(form, summary);
  });
})();
