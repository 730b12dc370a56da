/* The card's behaviour: one node at a time, the path in the URL, nothing stored anywhere.
   Everything works without this script too: nodes are sections, options are #id links. */
(function () {
  "use strict";
  var doc = document, root = doc.documentElement;
  var data = JSON.parse(doc.getElementById("ap-data").textContent);
  var langs = {}, ticks = {}, seen = {}, current = null;
  var live = doc.getElementById("ap-live");
  Array.prototype.forEach.call(doc.querySelectorAll(".ap-lang"), function (el) {
    langs[el.getAttribute("data-lang")] = el;
  });
  var nojs = doc.getElementById("ap-nojs");
  if (nojs) nojs.parentNode.removeChild(nojs);
  root.classList.add("ap-js");
  // Checklist items become checkboxes here: ticks mean something only where they reach the
  // summary, and the card stays small. Each node's are made when it is first shown: made all at
  // once they would slow a large card's start, and every change of the URL after it, for which
  // the browser goes through the whole document.
  var boxed = {};
  function makeBoxes(sec) {
    if (boxed[sec.id]) return;
    boxed[sec.id] = true;
    Array.prototype.forEach.call(sec.querySelectorAll(".ap-checklist > li"), function (item) {
      var label = doc.createElement("label"), box = doc.createElement("input");
      var text = doc.createElement("span");
      box.type = "checkbox";
      box.autocomplete = "off"; // or every move would save every box's state in the history
      while (item.firstChild) text.appendChild(item.firstChild);
      label.appendChild(box);
      label.appendChild(text);
      item.appendChild(label);
    });
  }

  function anchor(lang, node) { return lang === data.primary ? node : lang + "/" + node; }
  function section(lang, node) {
    var el = doc.getElementById(anchor(lang, node));
    return el && el.classList.contains("ap-node") ? el : null;
  }
  // The parts of a language box that the script changes (the first match, or `all` of them), each
  // looked up once: most come after every node in the box, and a search per step would read
  // through all of those.
  var parts = {};
  function part(lang, selector, all) {
    var key = lang + (all ? " all " : " ") + selector, box = langs[lang];
    if (!(key in parts)) {
      parts[key] = all ? Array.prototype.slice.call(box.querySelectorAll(selector))
        : box.querySelector(selector);
    }
    return parts[key];
  }
  function ui(key) { return data.languages[current ? current.lang : data.primary].ui[key] || key; }
  function stamp(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      " " + two(date.getHours()) + ":" + two(date.getMinutes());
  }

  // "#lang/node~0.2" : the node, in a language, reached by choosing options 0 then 2 from the start.
  function parse(hash) {
    var text = hash.replace(/^#/, ""), choices = [], lang = data.primary;
    try { text = decodeURIComponent(text); } catch (e) { /* keep it as it is */ }
    var tilde = text.indexOf("~");
    if (tilde >= 0) {
      choices = text.slice(tilde + 1).split(".").filter(Boolean).map(Number);
      text = text.slice(0, tilde);
    }
    var slash = text.indexOf("/");
    if (slash > 0 && langs[text.slice(0, slash)]) {
      lang = text.slice(0, slash);
      text = text.slice(slash + 1);
    }
    if (!section(lang, text)) return null;
    return { lang: lang, node: text, choices: choices };
  }
  function format(state, choices) {
    var c = choices || state.choices;
    return "#" + anchor(state.lang, state.node) + (c.length ? "~" + c.join(".") : "");
  }
  function targetOf(link) { var t = parse(link.getAttribute("href")); return t && t.node; }

  // Walk from the start by the choices; the path is valid only if it ends at the node.
  function walk(lang, node, choices) {
    var path = [], at = data.start, i = 0, guard = 0;
    while ((at !== node || i < choices.length) && guard++ < 10000) {
      var sec = section(lang, at);
      if (!sec) return [];
      var options = sec.querySelectorAll(".ap-option");
      if (options.length) {
        var option = options[choices[i]];
        if (i >= choices.length || !option) return [];
        path.push({ node: at, choice: choices[i], before: choices.slice(0, i) });
        i += 1;
        at = targetOf(option);
      } else {
        var next = sec.querySelector(".ap-next");
        if (!next) return [];
        path.push({ node: at, before: choices.slice(0, i) });
        at = targetOf(next);
      }
    }
    return at === node ? path : [];
  }

  function show(state, focus) {
    var lang = state.lang, old = current;
    var sec = section(lang, state.node);
    // Each change to the language box or <html> restyles the whole card: only when needed.
    var newLang = !old || old.lang !== lang;
    if (old) {
      if (newLang) langs[old.lang].classList.remove("ap-on");
      var prev = section(old.lang, old.node);
      if (prev) prev.classList.remove("ap-on");
    }
    if (newLang) {
      langs[lang].classList.add("ap-on");
      root.lang = lang;
      root.dir = data.languages[lang].dir;
    }
    makeBoxes(sec);
    sec.classList.add("ap-on");
    current = state;
    state.path = walk(lang, state.node, state.choices);
    if (!state.path.length) state.choices = [];
    if (!seen[state.node]) seen[state.node] = new Date();
    var title = sec.querySelector("h2");
    doc.title = title.textContent + " – " + part(lang, ".ap-title").textContent;
    shownDepth = depth();
    updateChrome(state);
    renderPath(state);
    if (focus) {
      // The scroll and the focus lay the page out at once, so every change to the card comes
      // before them; the announcement after them only lays out the live region again.
      title.setAttribute("tabindex", "-1");
      window.scrollTo(0, 0);
      title.focus();
      live.textContent = title.textContent;
    }
    warmNext(lang, sec);
  }
  function setHidden(el, hidden) { if (el.hidden !== hidden) el.hidden = hidden; }

  // While the reader reads, lay out once each node this one leads to, out of sight: shown and
  // hidden again in one task, so nothing is drawn. A node's first showing pays for shaping its
  // text and styling its parts; done here, that no longer falls in the frame after the click.
  // A node with its boxes made has been laid out already, shown or so.
  var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 100); };
  function warmNext(lang, sec) {
    idle(function () {
      Array.prototype.forEach.call(sec.querySelectorAll(".ap-option, .ap-next"), function (link) {
        var next = section(lang, targetOf(link));
        if (!next || boxed[next.id]) return;
        makeBoxes(next);
        next.style.display = "block";
        void next.offsetHeight; // the layout itself is the point
        next.style.display = "";
      });
    });
  }

  function updateChrome(state) {
    var lang = state.lang;
    var atStart = state.node === data.start && !state.choices.length;
    setHidden(part(lang, "[data-action=back]"), atStart || (!depth() && !state.path.length));
    setHidden(part(lang, "[data-action=restart]"), atStart);
    setHidden(part(lang, "[data-action=copy-link]"), false);
    setHidden(part(lang, "[data-action=print]"), false);
    // Only the shown box's language links can be followed; another box's are set when it shows.
    part(lang, "[data-switch]", true).forEach(function (link) {
      var other = { lang: link.getAttribute("data-switch"), node: state.node, choices: state.choices };
      var href = format(other);
      if (link.getAttribute("href") !== href) link.setAttribute("href", href);
    });
    // Ticks are shared by all languages: switching keeps them.
    Array.prototype.forEach.call(section(state.lang, state.node).querySelectorAll(".ap-checklist input"),
      function (box, i) { box.checked = !!ticks[state.node + ":" + i]; });
  }

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function optionLabel(lang, step) {
    var option = section(lang, step.node).querySelectorAll(".ap-option")[step.choice];
    var hint = option.querySelector(".ap-hint");
    return option.textContent.slice(0, hint ? option.textContent.indexOf(hint.textContent) : undefined).trim();
  }
  function titleOf(lang, node) { return section(lang, node).querySelector("h2").textContent; }

  function pathItem(lang, step) {
    var li = el("li");
    if (step.choice === undefined) {
      li.appendChild(el("span", "", ui("step") + ": " + titleOf(lang, step.node)));
    } else {
      var title = titleOf(lang, step.node);
      li.appendChild(el("span", "ap-path-q", title));
      li.appendChild(el("strong", "", optionLabel(lang, step)));
      li.appendChild(doc.createTextNode(" "));
      var change = el("a", "", ui("change"));
      change.href = format({ lang: lang, node: step.node }, step.before);
      change.appendChild(el("span", "ap-sr", " " + ui("change_answer") + " " + title));
      li.appendChild(change);
    }
    return li;
  }
  // A step changes the end of the path only: the items still right stay, and only the rest is
  // made, so that a step costs the same however long the path.
  var listed = {}; // per language: the steps in its path list, each { key, li }
  function pathKey(step) { return step.node + "~" + step.before.join(".") + ":" + step.choice; }
  function renderPath(state) {
    var lang = state.lang, path = state.path;
    var items = listed[lang] || (listed[lang] = []);
    var list = part(lang, ".ap-path-list");
    var ol = list.querySelector("ol") || list.appendChild(el("ol"));
    var keep = 0;
    while (keep < items.length && keep < path.length && items[keep].key === pathKey(path[keep])) keep += 1;
    while (items.length > keep) ol.removeChild(items.pop().li);
    path.slice(keep).forEach(function (step) {
      items.push({ key: pathKey(step), li: ol.appendChild(pathItem(lang, step)) });
    });
    setHidden(part(lang, ".ap-path"), !path.length);
    showSummary(state);
  }
  // The summary is made when it is copied or printed; only the one shown after a failed copy
  // is kept up to date.
  function showSummary(state) {
    var pre = part(state.lang, ".ap-summary-text");
    if (pre.classList.contains("ap-show")) pre.textContent = summary(state);
  }

  function summary(state) {
    var lang = state.lang, lines = [];
    lines.push(part(lang, ".ap-title").textContent + " – " + ui("summary_title"));
    lines.push(part(lang, ".ap-footer p").textContent.trim());
    lines.push(ui("summary_made") + ": " + stamp(new Date()));
    lines.push("");
    var nodes = state.path.map(function (s) { return s; }).concat([{ node: state.node }]);
    nodes.forEach(function (step, i) {
      var sec = section(lang, step.node);
      var kind = ui(sec.classList.contains("ap-question") ? "question" :
        sec.classList.contains("ap-outcome") ? "outcome" : "step");
      var when = seen[step.node] ? " (" + ui("node_shown") + " " + stamp(seen[step.node]) + ")" : "";
      lines.push((i + 1) + ". " + kind + ": " + titleOf(lang, step.node) + when);
      if (step.choice !== undefined) lines.push("   " + ui("answered") + ": " + optionLabel(lang, step));
      Array.prototype.forEach.call(sec.querySelectorAll(".ap-checklist li"), function (item, j) {
        var done = ticks[step.node + ":" + j];
        lines.push("   [" + (done ? "x" : " ") + "] " + item.textContent.trim());
      });
      Array.prototype.forEach.call(sec.querySelectorAll(".ap-follow-up li"), function (item) {
        lines.push("   " + ui("follow_up") + ": " + item.textContent.trim());
      });
    });
    lines.push("");
    lines.push(location.href);
    return lines.join("\n");
  }

  function copy(text, done) {
    function fallback() {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "ap-sr";
      doc.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      doc.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }
  function say(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 50); }

  function fromHash(focus) {
    var state = parse(location.hash) || { lang: data.primary, node: data.start, choices: [] };
    if (current && format(state) === format(current)) return;
    show(state, focus);
  }
  // Each move is a history entry that knows how deep into the card it is, so that Back never
  // leaves the card.
  function depth() { return (history.state && history.state.apDepth) || 0; }
  var shownDepth = 0;
  // Back with no move of ours behind it: step back in place, so that the next Back does not
  // pop the history back to where this one started.
  function stepBack(state) {
    history.replaceState({ apDepth: 0 }, "", format(state));
    show(state, true);
  }
  function go(state) {
    history.pushState({ apDepth: depth() + 1 }, "", format(state));
    show(state, true);
  }

  doc.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var link = event.target.closest("a, button");
    if (!link || !current) return;
    var state = current, action = link.getAttribute("data-action");
    if (link.classList.contains("ap-option")) {
      event.preventDefault();
      var index = Array.prototype.indexOf.call(link.closest(".ap-options").querySelectorAll(".ap-option"), link);
      var choices = state.path.length || state.node === data.start ? state.choices.concat([index]) : [];
      go({ lang: state.lang, node: targetOf(link), choices: choices });
    } else if (link.classList.contains("ap-next")) {
      event.preventDefault();
      go({ lang: state.lang, node: targetOf(link), choices: state.path.length || state.node === data.start ? state.choices : [] });
    } else if (action === "restart") {
      event.preventDefault();
      ticks = {}; // a new case: nothing of the last one may reach its summary
      seen = {};
      go({ lang: state.lang, node: data.start, choices: [] });
    } else if (action === "back") {
      if (depth() > 0) { history.back(); return; }
      var last = state.path[state.path.length - 1];
      if (last) stepBack({ lang: state.lang, node: last.node, choices: last.before });
    } else if (action === "copy-link") {
      copy(location.href.split("#")[0] + "#" + anchor(state.lang, state.node), function (ok) {
        say(ui(ok ? "link_copied" : "copy_failed"));
      });
    } else if (action === "copy-summary") {
      var pre = part(state.lang, ".ap-summary-text");
      pre.textContent = summary(state);
      copy(pre.textContent, function (ok) {
        pre.classList.toggle("ap-show", !ok);
        say(ui(ok ? "summary_copied" : "copy_failed"));
      });
    } else if (action === "print-summary") {
      part(state.lang, ".ap-summary-text").textContent = summary(state);
      root.classList.add("ap-print-summary");
      window.print();
    } else if (action === "print") {
      window.print();
    } else if (link.classList.contains("ap-skip")) {
      event.preventDefault();
      part(state.lang, ".ap-main").focus();
    }
  });
  window.addEventListener("afterprint", function () { root.classList.remove("ap-print-summary"); });
  doc.addEventListener("change", function (event) {
    var box = event.target;
    if (!current || !box.closest || !box.closest(".ap-checklist")) return;
    var boxes = box.closest(".ap-checklist").querySelectorAll("input");
    ticks[current.node + ":" + Array.prototype.indexOf.call(boxes, box)] = box.checked;
    showSummary(current);
  });
  // An entry without our state was made by a plain link: a move too, one deeper.
  function arrived() {
    if (!history.state) history.replaceState({ apDepth: shownDepth + 1 }, "");
    fromHash(true);
  }
  window.addEventListener("hashchange", arrived);
  window.addEventListener("popstate", arrived);
  history.replaceState({ apDepth: depth() }, ""); // the entry the card opened on is ours
  fromHash(false);
})();
