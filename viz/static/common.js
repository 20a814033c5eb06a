/* conflict-kg views: shared helpers. Text is only ever set with textContent or as
   attribute values: nothing from the data is parsed as HTML. */
(function () {
  "use strict";
  var KG = (window.KG = window.KG || {});
  KG.data = JSON.parse(document.getElementById("kg-data").textContent);

  var OPEN_END = "9999-12-31";

  /* Nothing to show (an empty store or window): say so instead of drawing. A panel beside others
     that do draw (the map of an explore page whose events have no coordinates) passes its own
     message and keeps the shared controls working. */
  KG.showEmpty = function (container, message) {
    container.appendChild(KG.el("p", { class: "kg-empty", text: message || "Nothing to show: no events or states in this selection. Widen the window (--from/--to) or check the store (kg events)." }));
    container.setAttribute("data-ready", "1");
    if (message) return;
    Array.prototype.forEach.call(document.querySelectorAll(".kg-side input, .kg-side button"), function (c) { c.disabled = true; });
  };

  KG.safeUrl = function (url) {
    return typeof url === "string" && /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : null;
  };

  KG.wikidataUrl = function (qid) {
    return /^Q[0-9]+$/.test(qid || "") ? "https://www.wikidata.org/wiki/" + qid : null;
  };

  /* el("a", {text: "x", href: url, class: "c"}, [children]) */
  KG.el = function (tag, props, children) {
    var node = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null) return;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = value;
      else if (key === "href") {
        var url = KG.safeUrl(value);
        if (url) { node.href = url; node.target = "_blank"; node.rel = "noopener noreferrer"; }
      } else node.setAttribute(key, String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  KG.day = function (iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / 86400000); };
  KG.iso = function (day) { return new Date(day * 86400000).toISOString().slice(0, 10); };

  /* Does the record (event or state: date..end inclusive, end null = still holding) possibly overlap
     from..to? An approximate date's possible range (earliest..latest, where the data gives it) counts,
     as in the store's window (kg.read.timeview, loose). */
  KG.overlaps = function (rec, from, to) {
    return (rec.earliest || rec.date) <= to && (rec.latest || rec.end || OPEN_END) >= from;
  };

  KG.when = function (rec) {
    var span = rec.end === null || rec.end === undefined ? rec.date + " – (still holding)"
      : rec.end === rec.date ? rec.date : rec.date + " – " + rec.end;
    return span + (rec.precision && rec.precision !== "day" ? " (" + rec.precision + ")" : "");
  };

  KG.signName = function (sign) { return sign < 0 ? "hostile" : sign > 0 ? "cooperative" : "neutral"; };

  /* actor names of an event, by role, from the roles table [event, actor, role] */
  var rolesByEvent = null;
  KG.eventActors = function (index) {
    if (rolesByEvent === null) {
      rolesByEvent = {};
      KG.data.roles.forEach(function (r) { (rolesByEvent[r[0]] = rolesByEvent[r[0]] || []).push(r); });
    }
    var out = { agent: [], target: [], participant: [], about: [], sideA: [], sideB: [] };
    (rolesByEvent[index] || []).forEach(function (r) { out[r[2]].push(KG.data.nodes[r[1]].label); });
    return out;
  };

  /* The events an actor takes part in (agent, target, participant, either side of a battle): what
     `kg events --actor` finds. An event only about the actor (an assessment of it, a statement on
     it) is not one of its events: highlighting it would put the actor where it never was. Shared,
     read-only. */
  var eventsByActor = null;
  KG.actorEvents = function (actor) {
    if (eventsByActor === null) {
      eventsByActor = {};
      KG.data.roles.forEach(function (r) {
        if (r[2] !== "about") (eventsByActor[r[1]] = eventsByActor[r[1]] || new Set()).add(r[0]);
      });
    }
    return eventsByActor[actor] || new Set();
  };

  function row(name, value) {
    if (!value) return null;
    return KG.el("div", { class: "kg-row" }, [KG.el("span", { class: "kg-key", text: name + ": " }), KG.el("span", { text: value })]);
  }

  /* The source: the publishers a dataset names (ACLED's "source"), then the document or dataset
     file the record comes from ("Dataset:" when publishers are named, else "Source:"). */
  KG.sourceLink = function (rec) {
    var publishers = rec.publishers || [];
    var rows = publishers.length ? [row("Source", publishers.join("; "))] : [];
    if (rec.source) {
      var title = rec.sourceTitle || rec.source;
      rows.push(KG.el("div", { class: "kg-row" }, [
        KG.el("span", { class: "kg-key", text: (publishers.length ? "Dataset" : "Source") + ": " }),
        KG.safeUrl(rec.source) ? KG.el("a", { href: rec.source, text: title }) : KG.el("span", { text: title }),
      ]));
    }
    return rows.length ? KG.el("div", {}, rows) : null;
  };

  /* The card shown in tooltips and panels for one event */
  KG.eventCard = function (index, extra) {
    var ev = KG.data.events[index], who = KG.eventActors(index);
    var quote = ev.quote ? KG.el("blockquote", { class: "kg-quote", text: ev.quote }) : null;
    return KG.el("div", { class: "kg-card sign-" + KG.signName(ev.sign) }, [
      KG.el("div", { class: "kg-title", text: ev.label }),
      row("Date", KG.when(ev)),
      row("Precision", ev.precision),
      row("Type", ev.cls + (ev.type ? " · " + ev.type : "") + " (" + KG.signName(ev.sign) + ")"),
      ev.datasetType ? row("Dataset type", ev.datasetType) : null,
      row("Place", ev.places.join("; ")),
      row("Agent", who.agent.join("; ")),
      row("Target", who.target.join("; ")),
      row("Side A", who.sideA.join("; ")),
      row("Side B", who.sideB.join("; ")),
      row("Participants", who.participant.join("; ")),
      row("About", who.about.join("; ")),
      extra ? row("Link", extra) : null,
      quote ? KG.el("div", { class: "kg-key", text: ev.quoted ? "Quote:" : "Description:" }) : null,
      quote,
      KG.sourceLink(ev),
    ]);
  };

  KG.stateCard = function (index) {
    var st = KG.data.states[index], nodes = KG.data.nodes;
    return KG.el("div", { class: "kg-card sign-cooperative" }, [
      KG.el("div", { class: "kg-title", text: st.label }),
      row("State", st.cls + ": " + nodes[st.member].label + " → " + nodes[st.organization].label),
      row("Holds", KG.when(st)),
      row("Precision", st.precision),
      st.quote ? KG.el("div", { class: "kg-key", text: "Quote:" }) : null,
      st.quote ? KG.el("blockquote", { class: "kg-quote", text: st.quote }) : null,
      KG.sourceLink(st),
    ]);
  };

  KG.actorCard = function (index, score) {
    var n = KG.data.nodes[index];
    return KG.el("div", { class: "kg-card" }, [
      KG.el("div", { class: "kg-title", text: n.label }),
      row("Type", n.type),
      n.kind ? row("Kind", n.kind) : null,
      row("Aliases", n.aliases.join("; ")),
      score ? row(score[0], score[1]) : null,
    ]);
  };

  /* One floating tooltip per page: it stays while the pointer is over it, so its links can be clicked. */
  var tip = null, hideTimer = null, pinned = false;
  function tooltip() {
    if (tip === null) {
      tip = KG.el("div", { id: "kg-tooltip", class: "kg-tooltip", role: "tooltip" });
      tip.style.display = "none";
      tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      tip.addEventListener("mouseleave", function () { if (!pinned) KG.hideTooltip(150); });
      document.body.appendChild(tip);
    }
    return tip;
  }
  KG.showTooltip = function (content, x, y, pin) {
    var t = tooltip();
    clearTimeout(hideTimer);
    pinned = !!pin;
    t.textContent = "";
    if (pin) {
      var close = KG.el("button", { class: "kg-close", type: "button", title: "close", text: "×" });
      close.addEventListener("click", function () { pinned = false; KG.hideTooltip(0); });
      t.appendChild(close);
    }
    t.appendChild(content);
    t.style.display = "block";
    var w = t.offsetWidth, h = t.offsetHeight;
    var left = Math.min(x + 14, window.innerWidth - w - 8), top = Math.min(y + 14, window.innerHeight - h - 8);
    t.style.left = Math.max(4, left) + "px";
    t.style.top = Math.max(4, top) + "px";
    return t;
  };
  KG.hideTooltip = function (delay) {
    if (pinned && delay !== 0) return;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { if (tip) tip.style.display = "none"; pinned = false; }, delay || 0);
  };

  /* ---- controls shared by the network and the map ---- */

  /* The time slider (#kg-from, #kg-to, #kg-range-text) and its play button (#kg-play):
     onChange(fromIso, toIso) on every move. Returns {set(from, to), stop()}. */
  KG.timeSlider = function (minDay, maxDay, onChange) {
    var fromInput = document.getElementById("kg-from"), toInput = document.getElementById("kg-to");
    var text = document.getElementById("kg-range-text");
    [fromInput, toInput].forEach(function (input) {
      input.min = String(minDay);
      input.max = String(maxDay);
      input.step = "1";
    });
    fromInput.value = String(minDay);
    toInput.value = String(maxDay);
    function read(moved) {
      var a = parseInt(fromInput.value, 10), b = parseInt(toInput.value, 10);
      if (a > b) { if (moved === fromInput) toInput.value = String(a); else fromInput.value = String(b); }
      var from = KG.iso(parseInt(fromInput.value, 10)), to = KG.iso(parseInt(toInput.value, 10));
      if (text) text.textContent = from + " – " + to;
      onChange(from, to);
    }
    fromInput.addEventListener("input", function () { read(fromInput); });
    toInput.addEventListener("input", function () { read(toInput); });

    var playTimer = null, playButton = document.getElementById("kg-play");
    function stop() {
      clearInterval(playTimer);
      playTimer = null;
      playButton.textContent = "▶ Play";
    }
    playButton.addEventListener("click", function () {
      if (playTimer) return stop();
      var step = Math.max(1, Math.ceil((maxDay - minDay) / 60));
      if (parseInt(toInput.value, 10) >= maxDay) toInput.value = fromInput.value;
      playButton.textContent = "❚❚ Pause";
      read(toInput);
      playTimer = setInterval(function () {
        var next = Math.min(maxDay, parseInt(toInput.value, 10) + step);
        toInput.value = String(next);
        read(toInput);
        if (next >= maxDay) stop();
      }, 350);
    });
    if (text) text.textContent = KG.iso(minDay) + " – " + KG.iso(maxDay);
    return {
      set: function (from, to) {
        fromInput.value = String(KG.day(from)); toInput.value = String(KG.day(to));
        if (text) text.textContent = from + " – " + to;
      },
      stop: stop,
    };
  };

  /* One checkbox per name in holder, all checked; toggling adds/removes the name in set, then onChange(). */
  KG.checkboxes = function (holder, names, set, colorOf, onChange) {
    names.forEach(function (name) {
      var box = KG.el("input", { type: "checkbox", value: name, "data-filter": name });
      box.checked = true;
      box.addEventListener("change", function () {
        if (box.checked) set.add(name); else set.delete(name);
        onChange();
      });
      var swatch = colorOf ? KG.el("span", { class: "kg-swatch" }) : null;
      if (swatch) swatch.style.background = colorOf(name);
      holder.appendChild(KG.el("label", { class: "kg-check" }, [box, swatch, " " + name]));
    });
  };

  /* The actor search box (#kg-search, #kg-actor-list, #kg-search-note) over the actors at indices
     (into KG.data.nodes): exact label or id, exact alias, then substrings; onFound(index), or
     onMiss() when nothing matches. */
  KG.findActor = function (text, indices) {
    var q = text.trim().toLowerCase(), actors = KG.data.nodes;
    if (!q) return null;
    var tests = [
      function (n) { return n.label.toLowerCase() === q || n.slug === q; },
      function (n) { return n.aliases.some(function (a) { return a.toLowerCase() === q; }); },
      function (n) { return n.label.toLowerCase().indexOf(q) >= 0; },
      function (n) { return n.aliases.some(function (a) { return a.toLowerCase().indexOf(q) >= 0; }); },
    ];
    for (var t = 0; t < tests.length; t++) {
      for (var k = 0; k < indices.length; k++) if (tests[t](actors[indices[k]])) return indices[k];
    }
    return null;
  };
  KG.actorSearch = function (indices, onFound, onMiss) {
    var list = document.getElementById("kg-actor-list");
    indices.forEach(function (i) { list.appendChild(KG.el("option", { value: KG.data.nodes[i].label })); });
    var search = document.getElementById("kg-search"), note = document.getElementById("kg-search-note");
    function run() {
      var found = KG.findActor(search.value, indices);
      note.textContent = found === null ? (search.value.trim() ? "no actor matches" : "") : "";
      if (found !== null) onFound(found);
      else if (onMiss) onMiss();
    }
    search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); run(); } });
    search.addEventListener("change", run);
  };

  /* A tiny event bus linking the network and the timeline on one page. */
  var listeners = {};
  KG.on = function (name, fn) { (listeners[name] = listeners[name] || []).push(fn); };
  KG.emit = function (name, payload, origin) {
    (listeners[name] || []).forEach(function (fn) { fn(payload, origin); });
  };
})();
