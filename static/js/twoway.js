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
});
