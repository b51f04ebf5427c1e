// A small code editor: the <textarea> stays the real, labelled control; a highlighted <pre> sits behind it.
// Tab indents (Escape, then Tab, leaves the editor); Enter keeps the line's indentation.
(function () {
  "use strict";
  var KEYWORDS = ("False None True and as assert async await break class continue def del elif else except " +
    "finally for from global if import in is lambda nonlocal not or pass raise return try while with yield " +
    "match case").split(" ");
  var BUILTINS = ("abs all any bool dict enumerate float int len list max min print range reversed round set " +
    "sorted str sum tuple zip isinstance map filter super self np torch math").split(" ");
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                                   // 1 comment
    "((?:[rRbBfFuU]{1,2})?(?:\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|" +
      "\"(?:\\\\.|[^\"\\\\\\n])*\"?|'(?:\\\\.|[^'\\\\\\n])*'?))",   // 2 string
    "(\\b\\d[\\d_]*(?:\\.\\d*)?(?:[eE][+-]?\\d+)?j?\\b|\\.\\d+\\b)", // 3 number
    "([A-Za-z_][A-Za-z0-9_]*)"                                      // 4 name
  ].join("|"), "g");

  function span(parent, cls, text) {
    if (!text) return;
    if (!cls) { parent.appendChild(document.createTextNode(text)); return; }
    var el = document.createElement("span");
    el.className = cls;
    el.textContent = text;  // never innerHTML: the code is the candidate's text
    parent.appendChild(el);
  }

  function highlight(code, target) {
    var frag = document.createDocumentFragment(), pos = 0, m, afterDef = false;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(code)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex += 1; continue; }
      span(frag, null, code.slice(pos, m.index));
      var cls = m[1] ? "tok-comment" : m[2] ? "tok-string" : m[3] ? "tok-number" :
        KEYWORDS.indexOf(m[4]) >= 0 ? "tok-keyword" : afterDef ? "tok-def" :
        BUILTINS.indexOf(m[4]) >= 0 ? "tok-builtin" : null;
      afterDef = m[4] === "def" || m[4] === "class";
      span(frag, cls, m[0]);
      pos = TOKEN.lastIndex;
    }
    span(frag, null, code.slice(pos));
    span(frag, null, code.endsWith("\n") ? " " : "");  // keep the last empty line's height
    target.replaceChildren(frag);
  }

  function attach(area) {
    var code = document.getElementById(area.id + "-highlight");
    if (!code) return;
    var pre = code.parentNode, escaped = false;
    function refresh() { highlight(area.value, code); pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; }
    function insert(text) {
      var start = area.selectionStart, end = area.selectionEnd;
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    area.addEventListener("input", refresh);
    area.addEventListener("scroll", function () { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
    area.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { escaped = true; return; }
      if (ev.key === "Tab" && !ev.shiftKey && !ev.ctrlKey && !ev.altKey && !ev.metaKey && !escaped) {
        ev.preventDefault();
        insert("    ");
      } else if (ev.key === "Enter" && !ev.shiftKey && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
        var before = area.value.slice(0, area.selectionStart);
        var line = before.slice(before.lastIndexOf("\n") + 1);
        var indent = line.match(/^[ \t]*/)[0] + (/:\s*$/.test(line) ? "    " : "");
        ev.preventDefault();
        insert("\n" + indent);
      }
      if (ev.key !== "Escape") escaped = false;
    });
    refresh();
  }

  window.mockloopHighlight = highlight;
  document.querySelectorAll("textarea.code").forEach(attach);
})();
