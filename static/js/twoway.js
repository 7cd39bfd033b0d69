// Twoway's small scripts. Loaded as a file so the Content Security Policy can forbid inline code.
document.addEventListener("DOMContentLoaded", function () {
  // Buttons that ask before they act: <button data-confirm="Withdraw this person?">.
  document.body.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });

  // Polls (<div data-poll hx-trigger="every 5s">) rest while the tab is hidden: nobody reads
  // it, and the server is spared. The next tick after the tab shows again asks as usual.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.detail.elt.hasAttribute("data-poll")) {
      event.preventDefault();
    }
  });

  // A time zone the page only proposes (a new account's): the browser's own, when it is listed.
  document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || select.value !== select.getAttribute("data-browser-zone")) return;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) {
        select.value = zone;
        return;
      }
    }
  });
});
