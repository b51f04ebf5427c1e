// The live interviewer view: the candidate's countdown, from the server's deadline, re-synced every few seconds.
(function () {
  "use strict";
  var dataEl = document.getElementById("live-data");
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var countdown = document.getElementById("countdown"), stateEl = document.getElementById("round-state");
  var left = data.time_left_s, status = data.status, syncedAt = performance.now();

  function text(seconds) {
    var s = Math.max(0, Math.round(seconds)), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  }

  function render() {
    if (left === null || left === undefined) { countdown.textContent = "not started"; return; }
    var running = status === "in_progress";
    var now = running ? left - (performance.now() - syncedAt) / 1000 : left;
    countdown.textContent = now <= 0 && running ? "0:00" : text(now);
    stateEl.textContent = now <= 0 && running ? "time is up" : status.replace(/_/g, " ");
  }

  function sync() {
    fetch(data.live_url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return;
        left = d.time_left_s; status = d.status; syncedAt = performance.now();
        render();
      })
      .catch(function () { /* keep counting locally; the next sync corrects it */ });
  }

  render();
  setInterval(render, 250);
  setInterval(sync, 2000);
})();
