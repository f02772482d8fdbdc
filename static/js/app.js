// Progressive enhancements. No inline script anywhere: the Content Security Policy forbids it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Expandable rows: a button toggles the details row it controls.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.expander");
    if (!button) return;
    var row = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
    if (row) row.hidden = open;
  });

  // Copy to clipboard, from the field the button names.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-from]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    if (!field) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied-text") || label;
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected for Ctrl+C */ }
    }
  });

  // A select that submits its form when it changes (the language switcher); its button stays for no-JS use.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
})();
