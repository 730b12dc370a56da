/* The card's behaviour: one node at a time, the path in the URL, nothing stored anywhere.
   Everything works without this script too: nodes are sections, options are #id links.
   What it needs from the templates is written down in docs/theming.md: the plan's ways in the
   JSON of #ap-data, and the hooks in the markup (the language boxes, the node sections, and
   each control's data-action). A node's texts are read from its section, so that no title is in
   the card twice. Each node's section is in a <noscript> of its own: without the script it is
   markup as any other, with it only text, no elements, until the script first needs the node
   and makes it (a large card holds far fewer elements, and every click costs less). */
// words: answered change change_answer copy_failed earlier_answer follow_up link_copied
// words: node_shown outcome question restart_confirm step summary_copied summary_made
// words: summary_title
(function () {
  "use strict";
  var doc = document, root = doc.documentElement;
  var data = JSON.parse(doc.getElementById("ap-data").textContent);
  // Every lookup by a node id or a language is a Map: an id may be any name, even one that
  // plain objects have already ("constructor").
  var nodes = new Map(), langs = new Map(), words = new Map();
  data.nodes.forEach(function (n, i) { nodes.set(n[0], { kind: n[1], to: n.slice(2), i: i }); });
  Object.keys(data.languages).forEach(function (lang) {
    var l = data.languages[lang];
    words.set(lang, new Map(Object.keys(l.ui).map(function (k) { return [k, l.ui[k]]; })));
  });
  Array.prototype.forEach.call(doc.querySelectorAll(".ap-lang[data-lang]"), function (el) {
    if (words.has(el.getAttribute("data-lang"))) langs.set(el.getAttribute("data-lang"), el);
  });
  var ticks = new Map(), seen = new Map(), boxed = new Set(), current = null, changing = null;
  var live = doc.getElementById("ap-live");
  var nojs = doc.getElementById("ap-nojs");
  if (nojs) nojs.parentNode.removeChild(nojs);
  root.classList.add("ap-js");
  // Moves put the new node at the top; the browser must not scroll back to where it was.
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // Checklist items become checkboxes here: ticks mean something only where they reach the
  // summary, and the card stays small. Each node's are made when it is first shown: made all at
  // once they would slow a large card's start, and every change of the URL after it, for which
  // the browser goes through the whole document.
  function makeBoxes(sec) {
    if (boxed.has(sec.id)) return;
    boxed.add(sec.id);
    each(sec.querySelectorAll(".ap-checklist > li"), function (item) {
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
    var el = doc.getElementById(anchor(lang, node)) || unpack(lang, node);
    return el && el.classList.contains("ap-node") && langs.get(lang).contains(el) ? el : null;
  }
  // A node still in its <noscript>, made into elements: the node's place in the plan's order
  // finds it (groups of a hundred, one node each), or else a search of the language's box.
  function unpack(lang, node) {
    var n = nodes.get(node), box = langs.get(lang), at = null;
    if (!n || !box) return null;
    var group = part(lang, ".ap-nodes", true)[Math.floor(n.i / 100)];
    var id = 'id="' + anchor(lang, node).replace(/&/g, "&amp;").replace(/"/g, "&quot;") + '"';
    at = group && group.children[n.i % 100];
    if (!at || at.tagName !== "NOSCRIPT" || at.textContent.indexOf(id) < 0) {
      at = Array.prototype.find.call(box.querySelectorAll("noscript"), function (ns) {
        return ns.textContent.indexOf(id) >= 0;
      });
    }
    if (at) make(at); else each(box.querySelectorAll("noscript"), make);
    return doc.getElementById(anchor(lang, node));
  }
  function makeAll(lang) { each(langs.get(lang).querySelectorAll(".ap-nodes > noscript"), make); }
  function make(noscript) {
    var shell = doc.createElement("template");
    shell.innerHTML = noscript.textContent;
    noscript.parentNode.replaceChild(shell.content, noscript);
  }
  // The parts of a language box that the script changes (the first match, or `all` of them), each
  // looked up once: most come after every node in the box, and a search per step would read
  // through all of those.
  var parts = new Map();
  function part(lang, selector, all) {
    var key = lang + (all ? " all " : " ") + selector, box = langs.get(lang);
    if (!parts.has(key)) {
      parts.set(key, all ? Array.prototype.slice.call(box.querySelectorAll(selector))
        : box.querySelector(selector));
    }
    return parts.get(key);
  }
  function ui(key) { return words.get(current ? current.lang : data.primary).get(key) || key; }
  // A node's texts in a language, as the reader sees them: without the urgent tag, a hint or a
  // mark of the script's own.
  function textOf(el) {
    var copy = el.cloneNode(true);
    each(copy.querySelectorAll(".ap-urgent-tag, .ap-hint, .ap-earlier"), function (e) { e.remove(); });
    return copy.textContent.trim();
  }
  function titleOf(lang, node) { return textOf(section(lang, node).querySelector("h2")); }
  function stamp(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      " " + two(date.getHours()) + ":" + two(date.getMinutes());
  }

  // "#lang/node~0.2" : the node, in a language, reached by choosing options 0 then 2 from the start.
  function parse(hash) {
    var where = hash.replace(/^#/, ""), choices = [], lang = data.primary;
    try { where = decodeURIComponent(where); } catch (e) { /* keep it as it is */ }
    var tilde = where.indexOf("~");
    if (tilde >= 0) {
      choices = where.slice(tilde + 1).split(".").filter(Boolean).map(Number);
      where = where.slice(0, tilde);
    }
    var slash = where.indexOf("/");
    if (slash > 0 && langs.has(where.slice(0, slash))) {
      lang = where.slice(0, slash);
      where = where.slice(slash + 1);
    }
    if (!section(lang, where)) return null;
    return { lang: lang, node: where, choices: choices };
  }
  function format(state, choices) {
    var c = choices || state.choices;
    return "#" + anchor(state.lang, state.node) + (c.length ? "~" + c.join(".") : "");
  }

  // Walk from the start by the choices; the path is valid only if it ends at the node.
  function walk(node, choices) {
    var path = [], at = data.start, i = 0, guard = 0;
    while ((at !== node || i < choices.length) && guard++ < 10000) {
      var n = nodes.get(at), choice = choices[i];
      if (!n || n.kind === "outcome") return [];
      if (n.kind === "question") {
        if (!(Number.isInteger(choice) && choice >= 0 && choice < n.to.length)) return [];
        path.push({ node: at, choice: choice, before: choices.slice(0, i) });
        i += 1;
        at = n.to[choice];
      } else {
        path.push({ node: at, before: choices.slice(0, i) });
        at = n.to[0];
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
      if (newLang) langs.get(old.lang).classList.remove("ap-on");
      var prev = section(old.lang, old.node);
      if (prev) prev.classList.remove("ap-on");
    }
    // Printed from the start screen, the card is the one-page action card (a print-only style:
    // the class restyles nothing on the screen).
    var atStart = state.node === data.start && !state.choices.length;
    if (old) langs.get(old.lang).classList.remove("ap-at-start");
    langs.get(lang).classList.toggle("ap-at-start", atStart);
    if (newLang) {
      langs.get(lang).classList.add("ap-on");
      root.lang = lang;
      root.dir = data.languages[lang].dir;
    }
    makeBoxes(sec);
    sec.classList.add("ap-on");
    current = state;
    state.path = nodes.has(state.node) ? walk(state.node, state.choices) : [];
    if (!state.path.length) state.choices = [];
    if (!seen.has(state.node)) seen.set(state.node, new Date());
    var title = titleOf(lang, state.node) + " – " + part(lang, ".ap-title").textContent;
    if (waiting) waiting.title = title; else doc.title = title; // the tab's title, with the entry
    shownDepth = depth();
    updateChrome(state);
    markEarlier(state, sec);
    pathLater();
    if (focus) reveal(sec);
    warmNext(lang, state.node);
  }
  function setHidden(el, hidden) { if (el && el.hidden !== hidden) el.hidden = hidden; }

  // The node at the top of the screen, its heading focused: a screen reader reads it out, so
  // the live region stays for what focus does not say.  The sticky emergency bar's height is
  // kept in the page's scroll padding, for the browser to scroll what it jumps to or focuses out
  // from under it: set on <html> alone, as a custom property (inherited) would restyle every
  // element of the card, some 30 ms on the first step of a card of 10 000 nodes.
  var barHeight = -1;
  function reveal(sec) {
    var bar = part(current.lang, ".ap-emergency"), title = sec.querySelector("h2");
    var height = bar && getComputedStyle(bar).position === "sticky" ? bar.offsetHeight : 0;
    if (height !== barHeight) root.style.scrollPaddingTop = "calc(" + (barHeight = height) + "px + .5rem)";
    title.setAttribute("tabindex", "-1");
    window.scrollTo(0, 0);
    title.focus({ preventScroll: true });
  }

  // While the reader reads, lay out once each node this one leads to, out of sight: shown and
  // hidden again in one task, so nothing is drawn. A node's first showing pays for shaping its
  // text and styling its parts; done here, that no longer falls in the frame after the click.
  // A node with its boxes made has been laid out already, shown or so.
  var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 100); };
  function warmNext(lang, node) {
    if (!nodes.has(node)) return;
    idle(function () {
      var warm = [];
      nodes.get(node).to.forEach(function (to) {
        var next = section(lang, to);
        if (!next || boxed.has(next.id)) return;
        makeBoxes(next);
        next.style.display = "block";
        warm.push(next);
      });
      // One layout for them all (the layout itself is the point), not one each.
      if (warm.length) void warm[0].offsetHeight;
      warm.forEach(function (next) { next.style.display = ""; });
    });
  }

  function updateChrome(state) {
    var lang = state.lang;
    var atStart = state.node === data.start && !state.choices.length;
    setHidden(part(lang, "[data-action=back]"), atStart || (!depth() && !state.path.length));
    setHidden(part(lang, "[data-action=restart]"), atStart);
    part(lang, "[hidden][data-action^=copy-link], [hidden][data-action=print]", true)
      .forEach(function (el) { setHidden(el, false); });
    // Only the shown box's language links can be followed; another box's are set when it shows.
    part(lang, "[data-switch]", true).forEach(function (link) {
      var other = { lang: link.getAttribute("data-switch"), node: state.node, choices: state.choices };
      var href = format(other);
      if (link.getAttribute("href") !== href) link.setAttribute("href", href);
    });
    // The overview of the steps marks the one shown, and closes: the step is what to read now.
    var overview = part(lang, ".ap-overview");
    if (overview && overview.open) overview.open = false;
    markOverview(state);
    // Ticks are shared by all languages: switching keeps them.
    each(section(lang, state.node).querySelectorAll(".ap-checklist input"),
      function (box, i) { box.checked = !!ticks.get(state.node + ":" + i); });
  }

  // The steps in the handling order, each a list item with its title as its heading has it
  // (without the urgent tag): for the overview and the printed action card, made from the steps'
  // sections when first needed, so that no title is in the card twice.
  function listSteps(lang, list, item) {
    if (!list || list.children.length) return;
    data.nodes.forEach(function (n, i) {
      if (n[1] !== "step") return;
      var title = section(lang, n[0]).querySelector("h2").cloneNode(true), li = el("li");
      each(title.querySelectorAll(".ap-urgent-tag"), function (e) { e.remove(); });
      var inner = item(li, n[0], i);
      while (title.firstChild) inner.appendChild(title.firstChild);
      inner.normalize();
      if (inner.firstChild && inner.firstChild.nodeType === 3) {
        inner.firstChild.textContent = inner.firstChild.textContent.replace(/^\s+/, "");
      }
      list.appendChild(li);
    });
  }
  function fillOverview(lang) {
    listSteps(lang, part(lang, ".ap-overview ol"), function (li, node) {
      var link = li.appendChild(el("a"));
      link.href = "#" + anchor(lang, node);
      return link;
    });
    markOverview(current);
  }
  // Each language's overview links by their target, looked up once the list has them (in the
  // markup, or made when first opened), and the one marked: a step marks and unmarks one link,
  // not every step of the plan.
  var overviewLinks = new Map(), overviewMarked = new Map();
  function markOverview(state) {
    var lang = state.lang, list = part(lang, ".ap-overview ol");
    if (!list || !list.firstElementChild) return;
    if (!overviewLinks.has(lang)) {
      var links = new Map();
      each(list.querySelectorAll("a"), function (link) { links.set(link.getAttribute("href"), link); });
      overviewLinks.set(lang, links);
    }
    var was = overviewMarked.get(lang), now = overviewLinks.get(lang).get("#" + anchor(lang, state.node));
    if (was === now) return;
    if (was) was.removeAttribute("aria-current");
    if (now) now.setAttribute("aria-current", "step");
    overviewMarked.set(lang, now);
  }

  // After 'Change', the question marks the answer given before (as GOV.UK's check answers).
  var marked = null;
  function markEarlier(state, sec) {
    if (marked) { marked.removeAttribute("aria-current"); marked.removeChild(marked.lastChild); marked = null; }
    if (!changing || changing.node !== state.node || changing.before !== state.choices.join(".")) return;
    marked = sec.querySelectorAll(".ap-option")[changing.answer];
    if (!marked) return;
    marked.setAttribute("aria-current", "true");
    marked.appendChild(el("span", "ap-earlier", ui("earlier_answer")));
  }

  function el(tag, cls, content) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (content) e.textContent = content;
    return e;
  }
  function answerOf(lang, step) {
    return textOf(section(lang, step.node).querySelectorAll(".ap-option")[step.choice]);
  }

  function pathItem(lang, step) {
    var li = el("li"), title = titleOf(lang, step.node);
    if (step.choice === undefined) {
      li.appendChild(el("span", "", ui("step") + ": " + title));
    } else {
      li.appendChild(el("span", "ap-path-q", title));
      li.appendChild(el("strong", "", answerOf(lang, step)));
      li.appendChild(doc.createTextNode(" "));
      var change = el("a", "", ui("change"));
      change.href = format({ lang: lang, node: step.node }, step.before);
      change.setAttribute("data-action", "change");
      change.apStep = step;
      change.appendChild(el("span", "ap-sr", " " + ui("change_answer") + " " + title));
      li.appendChild(change);
    }
    return li;
  }
  // The path list is brought up to date once the step is drawn, and shows in the next frame: the
  // reader looks at the new node first, and it is drawn sooner (the path's new item, and what it
  // moves down, cost the step's frame about 1 ms of the renderer's CPU and more of the
  // compositor's). Printing first makes it at once (`pathNow`).
  var pathDue = false;
  function pathLater() {
    if (pathDue) return;
    pathDue = true;
    requestAnimationFrame(function () { setTimeout(pathNow, 0); });
  }
  function pathNow() {
    if (!pathDue) return;
    pathDue = false;
    if (current) renderPath(current);
  }
  // A step changes the end of the path only: the items still right stay, and only the rest is
  // made, so that a step costs the same however long the path.
  var listed = new Map(); // per language: the steps in its path list, each { key, li }
  function pathKey(step) { return step.node + "~" + step.before.join(".") + ":" + step.choice; }
  function renderPath(state) {
    var lang = state.lang, path = state.path;
    if (!listed.has(lang)) listed.set(lang, []);
    var items = listed.get(lang);
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
    state.path.concat(nodes.has(state.node) ? [{ node: state.node }] : []).forEach(function (step, i) {
      var sec = section(lang, step.node), at = seen.get(step.node);
      var when = at ? " (" + ui("node_shown") + " " + stamp(at) + ")" : "";
      lines.push((i + 1) + ". " + ui(nodes.get(step.node).kind) + ": " + titleOf(lang, step.node) + when);
      if (step.choice !== undefined) lines.push("   " + ui("answered") + ": " + answerOf(lang, step));
      each(sec.querySelectorAll(".ap-checklist > li"), function (item, j) {
        var done = ticks.get(step.node + ":" + j);
        lines.push("   [" + (done ? "x" : " ") + "] " + item.textContent.trim());
      });
      each(sec.querySelectorAll(".ap-follow-up > li"), function (item) {
        lines.push("   " + ui("follow_up") + ": " + item.textContent.trim());
      });
    });
    lines.push("");
    lines.push(address());
    return lines.join("\n");
  }

  function copy(content, done) {
    function fallback() {
      var area = el("textarea");
      area.value = content;
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
      navigator.clipboard.writeText(content).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }
  function say(message) { live.textContent = ""; setTimeout(function () { live.textContent = message; }, 50); }

  function fromHash(focus) {
    var state = parse(location.hash) || { lang: data.primary, node: data.start, choices: [] };
    if (current && format(state) === format(current)) return;
    show(state, focus);
  }
  // Each move is a history entry that knows how deep into the card it is, so that Back never
  // leaves the card. The entry (and the tab's title) is added once the next node is drawn: the
  // renderer waits some milliseconds on the browser's own process for a new entry, which would
  // otherwise delay every step on the screen. Anything that reads or changes the history, the
  // address or what the page shows first adds the entry still waiting (`settle`).
  var waiting = null;
  function depth() { return waiting ? waiting.depth : (history.state && history.state.apDepth) || 0; }
  var shownDepth = 0;
  function settle() {
    var entry = waiting;
    if (!entry) return;
    waiting = null;
    history.pushState({ apDepth: entry.depth }, "", entry.href);
    if (entry.title) doc.title = entry.title;
  }
  function go(state) {
    waiting = { depth: depth() + 1, href: format(state) };
    show(state, true);
    requestAnimationFrame(function () { setTimeout(settle, 0); });
  }
  // The address of the node shown, the entry still waiting or not.
  function address() { return location.href.split("#")[0] + (waiting ? waiting.href : location.hash); }
  // Where an answer leads on from the path so far; none on a page or a step linked to alone.
  function onward(state) { return state.path.length || state.node === data.start ? state.choices : []; }

  // A changed answer keeps what still applies: from the new answer on, the nodes that were on
  // the old path are passed through with their old answers, up to where the reader was; it stops
  // at the first node that is new to the path. The same answer again returns to where they were.
  function rechoose(state, choice) {
    var old = changing;
    changing = null;
    if (choice === old.answer) return go({ lang: state.lang, node: old.end, choices: old.choices });
    var answers = new Map(), passed = new Set([old.end]);
    walk(old.end, old.choices).forEach(function (s) { passed.add(s.node); answers.set(s.node, s.choice); });
    var choices = state.choices.concat([choice]), at = nodes.get(state.node).to[choice], been = new Set();
    while (at !== old.end && passed.has(at) && !been.has(at)) {
      var n = nodes.get(at);
      been.add(at);
      if (n.kind === "outcome") break;
      if (n.kind === "question") choices.push(answers.get(at));
      at = n.to[n.kind === "question" ? answers.get(at) : 0];
    }
    go({ lang: state.lang, node: at, choices: choices });
  }

  function start(state) {
    ticks = new Map(); // a new case: nothing of the last one may reach its summary
    seen = new Map();
    changing = null;
    go({ lang: state.lang, node: data.start, choices: [] });
  }

  // What each control does, by its data-action (an option and a step's 'continue' link by their
  // class: there are many, and the card stays small); a link to a node or page of the card that
  // has none is followed as a move of the card's own. An action that returns true lets the
  // browser do the rest.
  var actions = new Map([
    ["choose", function (link, state) {
      var choice = Array.prototype.indexOf.call(
        link.closest(".ap-node").querySelectorAll(".ap-option"), link);
      if (changing && changing.node === state.node && changing.before === state.choices.join(".")) {
        return rechoose(state, choice);
      }
      go({ lang: state.lang, node: nodes.get(state.node).to[choice], choices: onward(state).concat([choice]) });
    }],
    ["next", function (link, state) {
      go({ lang: state.lang, node: nodes.get(state.node).to[0], choices: onward(state) });
    }],
    ["change", function (link, state) {
      var step = link.apStep;
      changing = { node: step.node, before: step.before.join("."), answer: step.choice,
        end: state.node, choices: state.choices };
      go({ lang: state.lang, node: step.node, choices: step.before });
    }],
    ["restart", function (link, state) {
      var started = ticks.size || state.path.length;
      if (!started || window.confirm(ui("restart_confirm"))) start(state);
    }],
    ["back", function (link, state) {
      if (depth() > 0) { history.back(); return; }
      // Back with no move of ours behind it: step back in place, so that the next Back does
      // not pop the history back to where this one started.
      var last = state.path[state.path.length - 1];
      if (!last) return;
      var before = { lang: state.lang, node: last.node, choices: last.before };
      history.replaceState({ apDepth: 0 }, "", format(before));
      show(before, true);
    }],
    ["copy-link", function (link, state) {
      copy(address().split("#")[0] + "#" + anchor(state.lang, state.node), function (ok) {
        say(ui(ok ? "link_copied" : "copy_failed"));
      });
    }],
    ["copy-link-path", function () {
      copy(address(), function (ok) { say(ui(ok ? "link_copied" : "copy_failed")); });
    }],
    ["copy-summary", function (link, state) {
      var pre = part(state.lang, ".ap-summary-text");
      pre.textContent = summary(state);
      copy(pre.textContent, function (ok) {
        pre.classList.toggle("ap-show", !ok);
        say(ui(ok ? "summary_copied" : "copy_failed"));
      });
    }],
    ["print-summary", function (link, state) {
      part(state.lang, ".ap-summary-text").textContent = summary(state);
      root.classList.add("ap-print-summary");
      window.print();
    }],
    ["print", function (link, state) {
      root.classList.add("ap-print-all");
      makeAll(state.lang);
      window.print();
    }],
    ["skip", function (link, state) { part(state.lang, ".ap-main").focus(); }]
  ]);
  function follow(link) {
    var state = parse(link.getAttribute("href"));
    if (!state) return true;
    go(state);
  }

  doc.addEventListener("click", function (event) {
    settle();
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var link = event.target.closest("a, button");
    if (current && event.target.closest(".ap-overview summary")) fillOverview(current.lang);
    if (!link || !current) return;
    var action = actions.get(link.getAttribute("data-action") ||
      (link.classList.contains("ap-option") ? "choose" : link.classList.contains("ap-next") ? "next" : ""));
    if (!action && link.matches("a[href^='#']")) action = follow;
    if (action && action(link, current) !== true) event.preventDefault();
  });
  // Printed from anywhere but the start screen, the whole plan in the language shown: every node
  // made first. A browser's own print and the card's button both say so before printing.
  window.addEventListener("beforeprint", function () {
    settle(); // a printed page shows its address
    pathNow();
    var lang = current && current.lang, atStart = current && langs.get(lang).classList.contains("ap-at-start");
    if (!lang || root.classList.contains("ap-print-summary")) return;
    if (atStart && !root.classList.contains("ap-print-all")) {
      listSteps(lang, part(lang, ".ap-onepage-steps"), function (li, node, i) { li.value = i + 1; return li; });
      return;
    }
    makeAll(lang);
  });
  window.addEventListener("afterprint", function () {
    root.classList.remove("ap-print-summary");
    root.classList.remove("ap-print-all");
  });
  doc.addEventListener("change", function (event) {
    var box = event.target;
    if (!current || !box.closest || !box.closest(".ap-checklist")) return;
    var boxes = box.closest(".ap-checklist").querySelectorAll("input");
    ticks.set(current.node + ":" + Array.prototype.indexOf.call(boxes, box), box.checked);
    showSummary(current);
  });
  // An entry without our state was made by a plain link or the address bar: a move too, one
  // deeper. Such a jump is scrolled and focused by the browser after this, so the node is
  // revealed once more when the browser is done.
  function arrived() {
    waiting = null; // the browser moved before the last step's entry was added: its move wins
    if (!history.state) history.replaceState({ apDepth: shownDepth + 1 }, "");
    fromHash(true);
    var shown = current;
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { if (current === shown) reveal(section(shown.lang, shown.node)); });
    });
  }
  // An overview opened some other way than by its summary (find in page, say) is listed too.
  doc.addEventListener("toggle", function (event) {
    if (current && event.target.open && event.target.matches(".ap-overview")) fillOverview(current.lang);
  }, true);
  doc.addEventListener("visibilitychange", settle);
  window.addEventListener("hashchange", arrived);
  window.addEventListener("popstate", arrived);
  history.replaceState({ apDepth: depth() }, ""); // the entry the card opened on is ours
  // Opened at a node (a colleague's link), the card shows it as a jump there: in sight, focused.
  if (location.hash) arrived(); else fromHash(false);
})();
