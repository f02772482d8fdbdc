// Progressive enhancements. No inline script anywhere: the Content Security Policy forbids it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The browser's time zone, for the server to show times in (partnercenter/timezones.py), unless the user chose
  // one. Only its IANA name: letters, digits and / _ + -, all allowed in a cookie as they are.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && /^[A-Za-z0-9\/_+-]+$/.test(zone) && document.cookie.split("; ").indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    }
  } catch (e) { /* no Intl: times stay in UTC, and say so */ }

  // Expandable rows: an expander toggles the details row it controls. A row with data-details-url fetches its
  // details each time it opens (they say what the agent may open now, which can change at any moment); until they
  // arrive, or if they cannot be fetched, the row keeps what the page gave it (a link to the customer's page). The
  // row's Close button (.pane-close, controlling the same row) collapses it as its expander does, and gives the
  // focus back to the expander; without script it is a link to the customer's row, which ends the row's :target.
  var toggle = function (expander) {
    var row = document.getElementById(expander.getAttribute("aria-controls"));
    var open = expander.getAttribute("aria-expanded") === "true";
    expander.setAttribute("aria-expanded", String(!open));
    if (!row) return;
    row.hidden = open;
    var url = row.getAttribute("data-details-url");
    if (open || !url || !window.fetch) return;
    var body = row.querySelector(".details-body") || row.cells[row.cells.length - 1];
    body.setAttribute("aria-busy", "true");
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { body.innerHTML = html; }, function () { /* the link to the customer's page stays */ })
      .then(function () { body.removeAttribute("aria-busy"); });
  };
  var expanderOf = function (close) {
    return document.querySelector('.expander[aria-controls="' + close.getAttribute("aria-controls") + '"]');
  };
  var activate = function (control) {
    if (control.classList.contains("expander")) { toggle(control); return; }
    var expander = expanderOf(control);
    if (!expander) return;
    if (expander.getAttribute("aria-expanded") === "true") toggle(expander);
    expander.focus();
  };
  document.addEventListener("click", function (event) {
    var control = event.target.closest(".expander, .pane-close[aria-controls]");
    if (!control) return;
    event.preventDefault();  // links that act as buttons: no jump to the row they name
    activate(control);
  });
  document.addEventListener("keydown", function (event) {
    // A link that acts as a button opens with Space too, as a button does.
    if (event.key !== " ") return;
    var control = event.target.closest("a.expander, a.pane-close[aria-controls]");
    if (!control) return;
    event.preventDefault();
    activate(control);
  });

  // Escape closes what the focus is in (an expanded row, a details pane) through its Close button; elsewhere, outside
  // a form field, it closes the page's side pane. A pane the server rendered closes by its link, back to the list.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var target = event.target;
    var holder = target.closest(".details-row:not([hidden]), .details-pane");
    var expander = target.closest('.expander[aria-expanded="true"]');
    if (expander) holder = document.getElementById(expander.getAttribute("aria-controls"));
    var close = holder && holder.querySelector(".pane-close");
    if (!close && !target.closest("input, select, textarea")) close = document.querySelector(".split-pane .pane-close");
    if (!close) return;
    event.preventDefault();
    close.click();
  });

  // The draft email of a personalized link: Open in email and Copy to clipboard take the text as edited, and, as
  // Send does, refuse it when the link (the page's .link-field) is no longer in it. Without script, Open in email
  // opens the draft as the page gave it.
  var draftText = function (fieldId) {
    var field = document.getElementById(fieldId);
    if (!field) return null;
    var link = document.querySelector("input.link-field");
    var missing = field.form && field.form.querySelector("[data-link-missing]");
    var ok = !link || field.value.indexOf(link.value) !== -1;
    if (missing) missing.hidden = ok;
    field.setAttribute("aria-invalid", String(!ok));
    if (!ok) field.focus();
    return ok ? field : null;
  };
  // A draft whose link leaves the page (Open in email, Copy to clipboard, or the agent copying the link by hand) is
  // no longer a draft: the form's data-shared-url is told, once, and the page says the request is pending. Without
  // script, Done says it.
  var shared = false;
  var markShared = function (form, how) {
    var url = form && form.getAttribute("data-shared-url");
    if (!url || shared || !window.fetch || !window.FormData) return;
    shared = true;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    body.append("token", form.elements.token.value);
    body.append("how", how);
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .then(function (response) {
        if (!response.ok) { shared = false; return; }
        var status = document.querySelector("[data-shared-status]");
        if (status) status.hidden = false;
      }, function () { shared = false; });
  };
  document.addEventListener("copy", function (event) {
    var form = document.querySelector("form[data-shared-url]");
    var link = document.querySelector("input.link-field");
    var copied = event.target;
    if (!form || !link || !copied || (copied !== link && copied.form !== form)) return;
    if (typeof copied.selectionStart !== "number") return;
    if (copied.value.substring(copied.selectionStart, copied.selectionEnd).indexOf(link.value) !== -1) {
      markShared(form, "clipboard");
    }
  });
  document.addEventListener("click", function (event) {
    var mail = event.target.closest("a[data-mail-from]");
    if (!mail) return;
    var field = draftText(mail.getAttribute("data-mail-from"));
    if (!field) { event.preventDefault(); return; }
    markShared(field.form, "email_app");
    var href = mail.getAttribute("href");
    var body = "body=" + encodeURIComponent(field.value);
    mail.setAttribute("href", /[?&]body=/.test(href) ? href.replace(/([?&])body=[^&]*/, function (m, sep) { return sep + body; })
      : href + (href.indexOf("?") === -1 ? "?" : "&") + body);
  });

  // Copy to clipboard, from the field the button names.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-from]");
    if (!button) return;
    var field = draftText(button.getAttribute("data-copy-from"));
    if (!field) return;
    var done = function () {
      markShared(field.form, "clipboard");
      var label = button.innerHTML;  // the words and their icon
      button.textContent = button.getAttribute("data-copied-text") || button.textContent;
      setTimeout(function () { button.innerHTML = label; }, 2000);
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

  // A "select all" checkbox: checks or clears the checkboxes of its form named by data-select-all.
  document.addEventListener("change", function (event) {
    var all = event.target.closest("input[data-select-all]");
    if (!all || !all.form) return;
    var boxes = all.form.querySelectorAll('input[type="checkbox"][name="' + all.getAttribute("data-select-all") + '"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
  });

  // A search box that filters a list (data-filter names the list): only the items (data-filter-item) whose text
  // holds every word typed stay shown. Hidden items keep their state (a checked box stays checked). The box itself
  // is hidden until script shows it: without script every item is shown.
  var filterBoxes = document.querySelectorAll("input[data-filter]");
  Array.prototype.forEach.call(filterBoxes, function (box) {
    var wrapper = box.closest("[hidden]");
    if (wrapper) wrapper.hidden = false;
    var list = document.getElementById(box.getAttribute("data-filter"));
    if (!list) return;
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var items = list.querySelectorAll("[data-filter-item]");
      for (var i = 0; i < items.length; i++) {
        var text = items[i].textContent.toLowerCase();
        items[i].hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
      }
    });
  });

  // A page waiting for work done in the background (a device list being checked) asks its data-status-url for the
  // progress, shows it, and reloads itself when the work is done. Without script the page has a Refresh link.
  var waiting = document.querySelector("[data-status-url]");
  if (waiting && window.fetch) {
    var bar = waiting.querySelector("progress");
    var text = waiting.querySelector("[data-status-text]");
    var poll = function () {
      fetch(waiting.getAttribute("data-status-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (status) {
          if (bar) { bar.value = status.percent; bar.textContent = status.percent + "%"; }
          if (text && status.text) text.textContent = status.text;
          if (status.done) window.location.reload();
          else setTimeout(poll, 1500);
        }, function () { setTimeout(poll, 5000); });
    };
    setTimeout(poll, 1000);
  }
})();
