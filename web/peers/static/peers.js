// Peer review pages: copy a new share link, and bring a refused form's reasons into view.
(function () {
  "use strict";

  // A refused form comes back with its reasons in an alert at the top of the form: focus it (it scrolls into view
  // and is read out), instead of leaving the reader at the top of a long page with the message far below.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  // Copy buttons: the clipboard API where the page may use it (HTTPS or localhost); elsewhere (a LAN address over
  // plain HTTP) or when it is refused, the link's text is selected so that Ctrl+C / Cmd+C copies it.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    if (!field) return;
    button.hidden = false;

    function say(text) { if (status) status.textContent = text; }

    function selectIt() {
      field.focus();
      field.select();
      field.setSelectionRange(0, field.value.length);
      var copied = false;
      try { copied = document.execCommand && document.execCommand("copy"); } catch (e) { copied = false; }
      say(copied ? "Copied." : "The link is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.");
    }

    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say("Copied."); }, selectIt);
      } else {
        selectIt();
      }
    });
  });
})();
