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

    // Assertions are checked as they are typed: the server's own parser answers each line with
    // its message and column.
    var typing;
    document.addEventListener("input", function (event) {
      var box = event.target;
      if (!(box instanceof HTMLTextAreaElement) || !box.hasAttribute("data-validate") || !box.form) return;
      clearTimeout(typing);
      typing = setTimeout(function () {
        var body = new URLSearchParams();
        body.set("csrf", box.form.elements.namedItem("csrf").value);
        body.set("assertions", box.value);
        fetch(box.getAttribute("data-validate"), { method: "POST", body: body, credentials: "same-origin" })
          .then(function (answer) { return answer.ok ? answer.text() : null; })
          .then(function (html) {
            var target = document.getElementById("assertions-feedback");
            if (!html || !target) return;
            target.outerHTML = html;
            var failing = document.querySelector("#assertions-feedback .field-error") !== null;
            if (failing) box.setAttribute("aria-invalid", "true");
            else box.removeAttribute("aria-invalid");
          });
      }, 250);
    });

    // "Check now" (a form marked data-check-now, naming its live region) sends itself with
    // fetch and shows what the check found in the region, in the server's words, without a
    // reload; a failure to reach the server is said there too. Without script it posts and
    // the page comes back.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-check-now") || event.defaultPrevented) return;
      var region = document.getElementById(form.getAttribute("data-check-now"));
      if (!region || !window.fetch) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      region.setAttribute("aria-busy", "true");
      region.textContent = form.getAttribute("data-running");
      fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        headers: { Accept: "text/vnd.vigil.fragment+html" },
      })
        .then(function (answer) { if (!answer.ok) throw new Error(String(answer.status)); return answer.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").body;
          region.replaceChildren.apply(region, Array.prototype.slice.call(fresh.childNodes));
        })
        .catch(function () {
          var said = document.createElement("p");
          said.className = "field-error";
          said.textContent = form.getAttribute("data-failed");
          region.replaceChildren(said);
        })
        .then(function () {
          region.removeAttribute("aria-busy");
          if (button) button.disabled = false;
        });
    });

    // Live pages: the parts marked data-live-part are fetched again when the server says
    // something changed (Server-Sent Events) or, where it cannot stream, every few seconds
    // (rarely while the tab is hidden). The page says when it last heard from the server.
    var live = document.querySelector("[data-live]");
    if (live) {
      var status = live.querySelector(".last-heard");
      var lostSince = null;
      var clock = function (date) { return date.toLocaleTimeString(document.documentElement.lang); };
      var heard = function (reached) {
        if (!status) return;
        if (reached) {
          lostSince = null;
          status.classList.remove("stale");
          status.textContent = status.getAttribute("data-heard").replace("{time}", clock(new Date()));
        } else {
          lostSince = lostSince || new Date();
          status.classList.add("stale");
          status.textContent = status.getAttribute("data-unreachable").replace("{time}", clock(lostSince));
        }
      };
      var refresh = function () {
        return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
          .then(function (answer) { if (!answer.ok) throw new Error(String(answer.status)); return answer.text(); })
          .then(function (html) {
            var fresh = new DOMParser().parseFromString(html, "text/html");
            document.querySelectorAll("[data-live-part]").forEach(function (part) {
              var next = fresh.getElementById(part.id);
              if (next && part.contains(document.activeElement) && document.activeElement.id) {
                var focused = document.activeElement.id;
                part.replaceWith(next);
                var again = document.getElementById(focused);
                if (again) again.focus();
              } else if (next) {
                part.replaceWith(next);
              }
            });
            heard(true);
          })
          .catch(function () { heard(false); });
      };
      var pending;
      var soon = function () { clearTimeout(pending); pending = setTimeout(refresh, 300); };
      if (live.getAttribute("data-live") === "sse" && window.EventSource) {
        var source = new EventSource(live.getAttribute("data-live-url"));
        source.addEventListener("ping", function () { heard(true); });
        // A page hears of the kinds of change it shows (hosts send samples every few seconds,
        // which the overview has no use for); a gap in the feed always refreshes.
        var kinds = (live.getAttribute("data-live-kinds") || "checked monitor task incident").split(" ");
        source.addEventListener("change", function (event) {
          var kind = "missed";
          try { kind = JSON.parse(event.data).kind; } catch (ignored) { /* a gap: refresh */ }
          if (kind === "missed" || kinds.indexOf(kind) >= 0) soon();
        });
        source.addEventListener("open", function () { heard(true); });
        source.addEventListener("error", function () { heard(false); });
      } else {
        var poll = function () {
          refresh().then(function () { setTimeout(poll, document.hidden ? 60000 : 10000); });
        };
        setTimeout(poll, 10000);
        document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
        heard(true);
      }
    }

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
