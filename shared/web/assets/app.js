// Vigil's own script: small enhancements of pages that work without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // On narrow screens the settings navigation scrolls sideways: show the current page's tab.
    var current = document.querySelector(".settings > nav [aria-current]");
    if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest", inline: "center" });

    // A select marked data-autosubmit sends its form when changed (the button stays for
    // keyboard users and is only hidden visually).
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
        if (target.form.requestSubmit) target.form.requestSubmit();
        else target.form.submit();
      }
    });

    // Forms marked data-confirm ask before they are sent.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      }
    });

    // Copy buttons: data-copy names the element whose text is copied.
    document.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
      if (!button || !navigator.clipboard) return;
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        var done = button.getAttribute("data-copied");
        if (done) {
          var before = button.textContent;
          button.textContent = done;
          setTimeout(function () { button.textContent = before; }, 1500);
        }
      });
    });

    // Menus made of <details> close on Escape and when focus or a click leaves them.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll("details.menu[open]").forEach(function (menu) {
        menu.removeAttribute("open");
        var summary = menu.querySelector("summary");
        if (summary && menu.contains(document.activeElement)) summary.focus();
      });
    });
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
  });
})();
