// The round page: autosave with an increasing seq, a countdown re-synced to the server's time left,
// follow-up probes as the engine reveals them, warnings announced at the marks, and retries with backoff.
(function () {
  "use strict";
  var dataEl = document.getElementById("round-data");
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var $ = function (id) { return document.getElementById(id); };
  var form = $("answer-form"), answer = $("answer"), countdown = $("countdown"), warning = $("warning");
  var statusEl = $("save-status"), stateEl = $("save-state"), probeList = $("probe-list"), hiddenNote = $("probes-hidden");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var backupKey = "mockloop:draft:" + data.round_id;

  // serverSeq: the highest revision seen (a new save's seq goes above it); base: the revision this tab last
  // wrote or loaded. A save is taken only if the stored draft is still at `base`: otherwise another tab wrote.
  var serverSeq = data.draft_seq, seq = data.draft_seq, base = data.draft_seq, conflict = null;
  var dirty = false, busy = false, again = false, finished = false;
  var failures = 0, retryAt = 0, lastStatus = "";
  var left = data.time_left_s, syncedAt = performance.now(), paused = data.paused;
  var announced = {}, shownProbes = {}, forcedAt = -1e9, shownMark = null, firstAnswered = !!data.first_answer_at;
  var marks = (data.warnings_at_s || []).filter(function (m) { return m < data.time_limit_s; });
  (data.warnings_given || []).forEach(function (m) { announced[m] = true; });
  (data.probes || []).forEach(function (p) { shownProbes[p.index] = true; });

  // The visible save state changes with every save; the polite live region speaks only of problems and recoveries.
  var STATES = { saved: "All changes saved", dirty: "Unsaved changes", saving: "Saving…", failed: "Not saved",
                 conflict: "Not saved: changed in another tab" };
  function setState(state) {
    if (stateEl.dataset.state !== state) { stateEl.dataset.state = state; stateEl.textContent = STATES[state]; }
  }

  function setStatus(text, problem) {
    statusEl.dataset.kind = problem ? "problem" : "info";
    if (text !== lastStatus) { statusEl.textContent = text; lastStatus = text; }
  }

  function probeAnswers() {
    var out = {};
    probeList.querySelectorAll("textarea").forEach(function (t) { out[t.name.slice(6)] = t.value; });
    return out;
  }

  function snapshot() { return JSON.stringify([answer.value, probeAnswers()]); }

  function backup() {
    try { localStorage.setItem(backupKey, JSON.stringify({ after: serverSeq, text: answer.value, probes: probeAnswers() })); }
    catch (e) { /* storage may be full or disabled: the server copy is what counts */ }
  }

  function clearBackup() { try { localStorage.removeItem(backupKey); } catch (e) { /* ignore */ } }

  function restoreBackup() {  // typing that never reached the server, newer than the server's draft
    var saved;
    try { saved = JSON.parse(localStorage.getItem(backupKey) || "null"); } catch (e) { saved = null; }
    if (!saved || saved.after < serverSeq) { clearBackup(); return; }
    var restored = false;
    if (saved.text !== answer.value) {
      answer.value = saved.text;
      restored = true;
    }
    Object.keys(saved.probes || {}).forEach(function (index) {
      var area = $("probe-" + index);
      if (area && area.value !== saved.probes[index]) { area.value = saved.probes[index]; restored = true; }
    });
    if (restored) {
      answer.dispatchEvent(new Event("input"));
      setStatus("Restored unsaved text from this browser; saving it now.");
    }
  }

  // Half an emoji (a lone surrogate, e.g. from a paste cut in the middle) is not text the server can store:
  // send U+FFFD in its place, so one bad character never makes every later autosave fail.
  function wellFormed(key, value) {
    if (typeof value !== "string") return value;
    if (value.toWellFormed) return value.toWellFormed();
    return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  }

  function api(method, url, body, keepalive) {
    var headers = { "Accept": "application/json", "X-CSRFToken": csrf };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: method, headers: headers, credentials: "same-origin", keepalive: !!keepalive,
      body: body === undefined ? undefined : JSON.stringify(body, wellFormed)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { var e = new Error(j.message || ("HTTP " + r.status)); e.status = r.status; throw e; }
        return j;
      });
    });
  }

  function fmt(s) {
    s = Math.max(0, Math.ceil(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
  }

  function remaining() {
    if (left === null) return null;
    return paused ? left : Math.max(0, left - (performance.now() - syncedAt) / 1000);
  }

  function markText(m) {
    if (m >= 60 && m % 60 === 0) return (m / 60) + (m === 60 ? " minute" : " minutes") + " left.";
    return Math.round(m) + " seconds left.";
  }

  function announce(marks) {
    marks.forEach(function (m) { announced[m] = true; });
    if (marks.length) {
      shownMark = Math.min.apply(null, marks);
      warning.textContent = markText(shownMark);
    }
  }

  // A warning says how much time was left when it was given: once the clock has moved well past that, it is
  // no longer true, so it goes (the timer's colour keeps the urgency), rather than "30 seconds left" at 0:09.
  function staleWarning(rem) {
    if (shownMark !== null && (rem === null || rem < shownMark - Math.max(5, shownMark * 0.1))) {
      shownMark = null;
      warning.textContent = "";
    }
  }

  // The timer changes colour and weight as the end nears (classes only: the CSP allows no inline style).
  function urgency(rem) {
    var limit = data.time_limit_s || 0;
    var critical = rem !== null && !finished && rem <= Math.min(30, limit / 10);
    var low = rem !== null && !finished && !critical && rem <= Math.min(120, limit / 4);
    countdown.classList.toggle("timer-critical", critical);
    countdown.classList.toggle("timer-low", low);
  }

  function dueMark(rem) {
    return marks.some(function (m) { return rem <= m && !announced[m]; });
  }

  function renderProbes(view) {
    (view.probes || []).forEach(function (p) {
      if (shownProbes[p.index]) return;
      shownProbes[p.index] = true;
      var li = document.createElement("li"), text = document.createElement("p");
      var label = document.createElement("label"), area = document.createElement("textarea");
      li.dataset.index = p.index;
      text.id = "probe-" + p.index + "-text";
      text.textContent = p.text;
      area.id = "probe-" + p.index; area.name = "probe-" + p.index; area.rows = 5; area.autocomplete = "off";
      area.value = p.answer || "";
      area.addEventListener("input", changed);
      label.htmlFor = area.id;
      label.textContent = "Your answer to follow-up " + (probeList.children.length + 1);
      li.appendChild(text); li.appendChild(label); li.appendChild(area);
      probeList.appendChild(li);
    });
    if (view.first_answer_at) firstAnswered = true;
    hiddenNote.textContent = probesNote(probeList.children.length, view);
  }

  // Only promise what will happen: timed follow-ups appear as the clock passes their mark; the others are
  // asked once, after the first answer (so after it, they are not promised again).
  function probesNote(shown, view) {
    var timed = typeof view.probes_timed_hidden === "number" ? view.probes_timed_hidden : view.probes_hidden;
    var untimed = !firstAnswered && view.probes_hidden > timed;
    var plural = function (n, what) { return n + " " + what + (n === 1 ? "" : "s"); };
    if (untimed) {
      return "A follow-up question will appear after your first answer" +
        (timed ? ", and " + timed + " more as the round goes on." : ".");
    }
    if (timed) return plural(timed, shown ? "more follow-up question" : "follow-up question") + " will appear as the round goes on.";
    return shown ? "" : "No follow-up questions in this round.";
  }

  function finish(view) {
    finished = true;
    form.querySelectorAll("textarea, button").forEach(function (el) { el.disabled = true; });
    $("finished-title").textContent = view.auto_submitted ? "Time is up" : "This round is submitted";
    $("finished-text").textContent = view.auto_submitted ?
      "Your last saved draft was submitted automatically at the deadline." : "The round was submitted.";
    $("finished").hidden = false;
    clearBackup();
    countdown.textContent = fmt(0);
    warning.textContent = ""; shownMark = null;
    urgency(0);
    $("finished-title").focus();
  }

  function apply(view) {
    if (typeof view.draft_seq === "number") serverSeq = Math.max(serverSeq, view.draft_seq);
    (view.warnings_given || []).forEach(function (m) { announced[m] = true; });
    left = view.time_left_s; syncedAt = performance.now(); paused = !!view.paused;
    renderProbes(view);
    if (view.status !== "in_progress" && view.status !== "paused") finish(view);
  }

  function sync(keepalive) {
    if (finished) return Promise.resolve(true);
    if (conflict) return Promise.resolve(false);  // nothing is saved until the candidate chooses a version
    if (busy) { again = true; return Promise.resolve(false); }
    busy = true;
    var request, sent = null;
    if (dirty) {
      sent = snapshot();
      seq = Math.max(seq, serverSeq) + 1;
      setState("saving");
      request = api("PUT", data.urls.draft, { text: answer.value, seq: seq, base: base, probe_answers: probeAnswers() }, keepalive);
    } else {
      request = api("GET", data.urls.round);
    }
    return request.then(function (view) {
      if (sent !== null && view.reason === "conflict") {
        // Stored text equal to this tab's (the first-answer button saved it while this save was in flight) is
        // no conflict: take the server's revision and carry on.
        if (differs(view)) showConflict(view); else { base = view.draft_seq; view.saved = true; }
      }
      if (sent === null && !conflict && typeof view.draft_seq === "number" && view.draft_seq > base &&
          (view.status === "in_progress" || view.status === "paused")) {
        // another tab saved while this one had nothing unsaved: the text shown here is no longer what is stored
        if (differs(view)) showConflict(view); else base = view.draft_seq;
      }
      if (sent !== null && view.saved) base = view.draft_seq;
      if (sent !== null && view.saved && snapshot() === sent) { dirty = false; clearBackup(); }
      if (failures) setStatus("Saved again: the server is reachable.");
      failures = 0; retryAt = 0;
      apply(view);
      if (!finished) setState(conflict ? "conflict" : dirty ? "dirty" : "saved");
      var rem = remaining();
      if (!finished && rem !== null && dueMark(rem)) {
        return api("POST", data.urls.tick).then(function (loop) { announce(loop.warnings || []); });
      }
    }).then(function () { return true; }, function (err) {
      failures += 1;
      var wait = Math.min(30, Math.pow(2, failures - 1));
      retryAt = performance.now() + wait * 1000;
      var why = err.status ? err.message.replace(/\.$/, "") : "cannot reach the server";
      setState("failed");
      if (err.status === 507) {  // the server has no room: the draft stays in this browser (backup) until it has
        setStatus("Not saved: the server's disk is full. Your draft is kept in this browser; retrying in " + wait + " s.", true);
      } else {
        setStatus("Not saved: " + why + ". Retrying in " + wait + " s; your text is kept in this browser.", true);
      }
      setTimeout(function () { sync(); }, wait * 1000);
      return false;
    }).then(function (ok) {
      busy = false;
      if (again) { again = false; sync(); }
      return ok;
    });
  }

  function changed() {
    dirty = true;
    if (conflict) $("conflict-mine").textContent = answer.value; else setState("dirty");  // "this tab" stays current
    backup();
  }

  // Another tab saved since this one last did: show both versions and let the candidate choose.
  function differs(view) {
    var mine = probeAnswers();
    return (view.draft || "") !== answer.value ||
      (view.probes || []).some(function (p) { return p.index in mine && (p.answer || "") !== mine[p.index]; });
  }

  function showConflict(view) {
    conflict = view;
    $("conflict-mine").textContent = answer.value;
    $("conflict-theirs").textContent = view.draft || "";
    $("conflict").hidden = false;
    setState("conflict");
    setStatus("Another tab saved a different version of this answer. Choose which one to keep.", true);
    $("conflict-title").focus();
  }

  function resolveConflict(keepMine) {
    var theirs = conflict;
    conflict = null;
    $("conflict").hidden = true;
    base = theirs.draft_seq;
    serverSeq = Math.max(serverSeq, theirs.draft_seq);
    if (keepMine) {
      dirty = true;
      setStatus("Keeping this tab's version; saving it now.");
      sync();
    } else {
      answer.value = theirs.draft || "";
      answer.dispatchEvent(new Event("input", { bubbles: true }));  // the code editor redraws its highlight
      (theirs.probes || []).forEach(function (p) { var a = $("probe-" + p.index); if (a) a.value = p.answer || ""; });
      dirty = false;
      clearBackup();
      setState("saved");
      setStatus("Using the version saved from the other tab.");
    }
    answer.focus();
  }

  $("keep-mine").addEventListener("click", function () { resolveConflict(true); });
  $("keep-theirs").addEventListener("click", function () { resolveConflict(false); });

  function tickDisplay() {
    if (finished) return;
    var rem = remaining();
    countdown.textContent = rem === null ? "-" : fmt(rem);
    staleWarning(rem);
    urgency(rem);
    var now = performance.now();  // at a mark or at zero, ask the server now (at most once a second)
    if (rem !== null && (dueMark(rem) || rem <= 0) && now >= retryAt && now - forcedAt >= 1000) {
      forcedAt = now;
      sync();
    }
  }

  answer.addEventListener("input", changed);
  probeList.querySelectorAll("textarea").forEach(function (t) { t.addEventListener("input", changed); });
  form.addEventListener("focusout", function () { if (dirty) sync(); });
  document.addEventListener("visibilitychange", function () { if (document.hidden && dirty) sync(true); });
  window.addEventListener("pagehide", function () { if (dirty && !busy) sync(true); });

  form.addEventListener("submit", function (ev) {
    var submitter = ev.submitter;
    ev.preventDefault();
    if (submitter && submitter.id === "first-answer") {
      submitter.disabled = true;
      api("POST", data.urls.first_answer, { text: answer.value }).then(function (view) {
        base = view.draft_seq;  // this tab wrote the first answer
        firstAnswered = true;
        dirty = Object.values(probeAnswers()).some(function (t) { return t; });
        if (!dirty) clearBackup();
        apply(view);
        setState(dirty ? "dirty" : "saved");
        setStatus("First answer saved; follow-up questions are below.");
        var first = probeList.querySelector("textarea");
        if (first) first.focus();
      }, function (err) {
        setStatus("Not saved: " + (err.status ? err.message : "cannot reach the server") + ". Try again.", true);
        submitter.disabled = false;
      });
      return;
    }
    var rem = remaining();  // submitting early is final: with over a quarter of the time left, ask first
    if (rem !== null && rem > (data.time_limit_s || 0) / 4 &&
        !window.confirm("You still have " + fmt(rem) + " of " + fmt(data.time_limit_s) + " left. " +
                        "Submit the round now? You cannot change your answer afterwards.")) {
      return;
    }
    clearBackup();  // the form itself carries the text and the probe answers
    form.submit();
  });

  document.querySelectorAll("form[data-flush]").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      sync().then(function () { f.submit(); });
    });
  });

  var run = $("run-examples");
  if (run) {
    run.addEventListener("click", function () {
      var out = $("run-output");
      out.textContent = "Running…";
      var failed = function (err) { out.textContent = "Could not run the examples: " + err.message; };
      // 200: not run, and why; 202: a job on the queue, polled until it has the output (the page never waits on it)
      var show = function (r) {
        if (!r.id) { out.textContent = r.output; return; }
        if (r.status === "done") { out.textContent = r.output; return; }
        if (r.status === "failed") { out.textContent = "Could not run the examples: " + (r.error || "the run failed"); return; }
        out.textContent = r.status === "running" ? "Running…" : "Running… (" + r.message + ")";
        setTimeout(function () { api("GET", r.url).then(show, failed); }, 500);
      };
      api("POST", data.urls.run, { code: answer.value }).then(show, failed);
    });
  }

  // Text typed before this script ran fired no input event (a slow connection, a fast typist): it is newer than
  // the server's draft and than any backup, so treat it as a change instead of leaving the page "saved".
  var typedEarly = answer.value !== answer.defaultValue ||
    Array.prototype.some.call(probeList.querySelectorAll("textarea"), function (t) { return t.value !== t.defaultValue; });
  if (typedEarly) changed(); else restoreBackup();
  setInterval(tickDisplay, 250);
  setInterval(function () { if (performance.now() >= retryAt) sync(); }, data.autosave_ms);
  tickDisplay();
  if (dirty) sync();
})();
