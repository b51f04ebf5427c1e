// Long form posts show that they are running: a submit button with data-busy-text is disabled, says what is
// happening (and how long it takes) and is marked aria-busy while the request runs; the status line named by
// data-busy-status says the same to screen readers. The next page (server-rendered) says how it went.
(function () {
  "use strict";
  document.querySelectorAll("button[data-busy-text]").forEach(function (button) {
    var form = button.form;
    if (!form) return;
    var idle = button.textContent;
    var status = button.dataset.busyStatus ? document.getElementById(button.dataset.busyStatus) : null;
    var busy = false;

    function reset() {
      busy = false;
      button.disabled = false;
      button.textContent = idle;
      button.removeAttribute("aria-busy");
      form.removeAttribute("aria-busy");
      if (status) status.textContent = "";
    }

    form.addEventListener("submit", function (event) {
      if (busy) { event.preventDefault(); return; }  // one request, however often it is clicked
      busy = true;
      // after this event: the browser has taken the form's data, and a disabled button sends nothing anyway
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = button.dataset.busyText;
        button.setAttribute("aria-busy", "true");
        form.setAttribute("aria-busy", "true");
        if (status) status.textContent = button.dataset.busyText;
      }, 0);
    });
    // back to this page from the history (the page may come from the back-forward cache): usable again
    window.addEventListener("pageshow", function (event) { if (event.persisted) reset(); });
  });
})();
