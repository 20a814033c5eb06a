/* conflict-kg network view: vis-network plus time slider, filters, search, details. */
(function () {
  "use strict";
  var KG = window.KG, D = KG.data, N = D.network;
  var links = D.links, events = D.events, states = D.states, actors = D.nodes;
  var container = document.getElementById("kg-network");
  var $ = function (id) { return document.getElementById(id); };
  if (!D.start || !N.nodes.length) {
    KG.showEmpty(container);
    $("kg-range-text").textContent = "–";
    return;
  }

  /* an event passes the relation filter when its project type and its dataset type are both checked */
  function relationsOf(link) {
    if (link.kind !== "event") return [states[link.ref].cls];
    var e = events[link.ref];
    return e.datasetType ? [e.type, e.datasetType] : [e.type];
  }
  function relationShown(link) { return relationsOf(link).every(function (r) { return view.relations.has(r); }); }
  function groupOf(n) { return n.kind || n.type; }
  function recordOf(link) { return link.kind === "event" ? events[link.ref] : states[link.ref]; }

  /* ---- state ---- */
  var minDay = KG.day(D.start), maxDay = KG.day(D.end);
  var view = {
    from: D.start, to: D.end,
    relations: new Set(N.relations), types: new Set(N.types),
  };
  var linkVisible = new Uint8Array(links.length);
  var nodeDegree = {};
  var nodeLinks = {};
  links.forEach(function (l, i) {
    (nodeLinks[l.from] = nodeLinks[l.from] || []).push(i);
    if (l.to !== l.from) (nodeLinks[l.to] = nodeLinks[l.to] || []).push(i);
  });

  /* ---- data sets ---- */
  var nodes = new vis.DataSet(N.nodes);
  var edges, pairs = null, pairCount = {}, linkPair = null;
  if (N.collapse) {
    pairs = {};
    linkPair = new Array(links.length);
    var pairList = [];
    links.forEach(function (l, i) {
      var a = l.from, b = l.to;
      if (!l.directed && b < a) { a = l.to; b = l.from; }
      var key = (l.kind === "state" ? "m" : "p") + a + (l.directed ? ">" : "-") + b;
      if (!pairs[key]) {
        var base = N.edges[i];
        pairs[key] = { id: key, from: a, to: b, arrows: base.arrows, dashes: l.kind === "state" ? base.dashes : false,
                       kind: l.kind, links: [] };
        pairList.push(pairs[key]);
      }
      pairs[key].links.push(i);
      linkPair[i] = key;
    });
    edges = new vis.DataSet(pairList.map(function (p) { return { id: p.id, from: p.from, to: p.to, arrows: p.arrows, dashes: p.dashes }; }));
  } else {
    edges = new vis.DataSet(N.edges);
  }
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return nodeDegree[n.id] > 0; } });
  var edgesView = new vis.DataView(edges, {
    filter: function (e) { return N.collapse ? pairCount[e.id] > 0 : linkVisible[e.id] === 1; },
  });

  recompute();
  var network = new vis.Network(container, {}, N.options);
  if (N.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      container.setAttribute("data-ready", "1");
    });
  }
  network.setData({ nodes: nodesView, edges: edgesView });
  if (!N.physics) container.setAttribute("data-ready", "1");

  /* ---- filtering ---- */
  function recompute() {
    nodeDegree = {};
    var shown = 0;
    for (var i = 0; i < links.length; i++) {
      var l = links[i];
      var ok = relationShown(l) && KG.overlaps(recordOf(l), view.from, view.to) &&
        view.types.has(groupOf(actors[l.from])) && view.types.has(groupOf(actors[l.to]));
      linkVisible[i] = ok ? 1 : 0;
      if (ok) {
        shown++;
        nodeDegree[l.from] = (nodeDegree[l.from] || 0) + 1;
        nodeDegree[l.to] = (nodeDegree[l.to] || 0) + 1;
      }
    }
    if (N.collapse) updatePairs();
    nodesView.refresh();
    edgesView.refresh();
    $("kg-range-text").textContent = view.from + " – " + view.to;
    $("kg-counts").textContent = Object.keys(nodeDegree).length + " actors, " + shown + " links shown of " + links.length;
    /* the map of an explore page follows the same range and filters (the timeline, the range) */
    KG.emit("range", { from: view.from, to: view.to, relations: view.relations, types: view.types }, "network");
  }

  function updatePairs() {
    var agg = {};
    for (var i = 0; i < links.length; i++) {
      if (!linkVisible[i]) continue;
      var key = linkPair[i], a = agg[key] || (agg[key] = { count: 0, sign: 0 });
      a.count++;
      a.sign += links[i].sign;
    }
    var changes = [];
    Object.keys(pairs).forEach(function (key) {
      var a = agg[key] || { count: 0, sign: 0 };
      if (pairCount[key] === a.count && pairs[key].sign === a.sign) return;
      pairCount[key] = a.count;
      pairs[key].sign = a.sign;
      var color = pairs[key].kind === "state" ? N.colors.membership : N.colors[KG.signName(a.sign)];
      changes.push({ id: key, label: a.count > 1 ? String(a.count) : undefined,
                     width: 1 + Math.log2(Math.max(1, a.count)) * 1.5, color: { color: color, highlight: color } });
    });
    if (changes.length) edges.update(changes);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; recompute(); });
  }

  /* ---- time slider, filters (shared with the map: KG.timeSlider, KG.checkboxes) ---- */
  var slider = KG.timeSlider(minDay, maxDay, function (from, to) { view.from = from; view.to = to; schedule(); });

  KG.checkboxes($("kg-relations"), N.relations, view.relations, null, schedule);
  KG.checkboxes($("kg-types"), N.types, view.types, function (t) { return N.typeColors[t] || N.typeColors.Actor; }, schedule);

  /* ---- details ---- */
  function firstLast(index) {
    var first = null, last = null;
    (nodeLinks[index] || []).forEach(function (i) {
      var r = recordOf(links[i]), end = r.end || r.date;
      if (first === null || r.date < first) first = r.date;
      if (last === null || end > last) last = end;
    });
    return [first, last];
  }

  function showDetails(index) {
    var n = actors[index], panel = $("kg-details");
    var span = firstLast(index), wd = KG.wikidataUrl(n.wikidata);
    panel.textContent = "";
    var seen = new Set(), items = [];
    (nodeLinks[index] || []).forEach(function (i) {
      var l = links[i], key = l.kind + l.ref;
      if (seen.has(key)) return;
      seen.add(key);
      items.push(i);
    });
    items.sort(function (a, b) { var x = recordOf(links[a]), y = recordOf(links[b]); return x.date < y.date ? -1 : x.date > y.date ? 1 : a - b; });
    var list = KG.el("ol", { class: "kg-events" });
    items.forEach(function (i) {
      var l = links[i], r = recordOf(l);
      var other = l.from === index ? actors[l.to] : actors[l.from];
      var arrow = l.from === index ? " → " : " ← ";
      var li = KG.el("li", { class: "sign-" + KG.signName(l.kind === "state" ? 1 : r.sign), "data-link": i }, [
        KG.el("span", { class: "kg-date", text: KG.when(r) }), " ",
        KG.el("span", { text: r.label }),
        KG.el("span", { class: "kg-muted", text: arrow + other.label }),
      ]);
      li.addEventListener("click", function (e) { selectLink(i, e.clientX, e.clientY); });
      list.appendChild(li);
    });
    panel.appendChild(KG.el("h3", { text: n.label }));
    panel.appendChild(KG.el("div", { class: "kg-row" }, [KG.el("span", { class: "kg-key", text: "Type: " }), n.type]));
    if (n.aliases.length) panel.appendChild(KG.el("div", { class: "kg-row" }, [KG.el("span", { class: "kg-key", text: "Aliases: " }), n.aliases.join("; ")]));
    if (n.description) panel.appendChild(KG.el("div", { class: "kg-row kg-muted", text: n.description }));
    panel.appendChild(KG.el("div", { class: "kg-row" }, [KG.el("span", { class: "kg-key", text: "Wikidata: " }),
      wd ? KG.el("a", { href: wd, text: n.wikidata }) : KG.el("span", { class: "kg-muted", text: "none" })]));
    panel.appendChild(KG.el("div", { class: "kg-row" }, [KG.el("span", { class: "kg-key", text: "First / last activity: " }),
      (span[0] || "?") + " / " + (span[1] || "?")]));
    panel.appendChild(KG.el("div", { class: "kg-row" }, [KG.el("span", { class: "kg-key", text: N.sizeBy + ": " }),
      String(N.scores[index] !== undefined ? N.scores[index] : 0)]));
    panel.appendChild(KG.el("div", { class: "kg-key", text: items.length + " events and states:" }));
    panel.appendChild(list);
    panel.setAttribute("data-actor", n.slug);
  }

  function selectLink(i, x, y) {
    var l = links[i];
    var id = N.collapse ? linkPair[i] : i;
    if (edgesView.get(id)) network.selectEdges([id]);
    KG.showTooltip(l.kind === "event" ? KG.eventCard(l.ref) : KG.stateCard(l.ref), x || 200, y || 200, true);
    if (l.kind === "event") KG.emit("select-event", l.ref, "network");
  }

  function selectActor(index, origin) {
    if (index === null || index === undefined) return false;
    showDetails(index);
    if (nodesView.get(index)) {
      network.selectNodes([index]);
      network.focus(index, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 300 } });
    }
    if (origin !== "timeline") KG.emit("select-actor", index, origin || "network");
    return true;
  }

  /* ---- search (shared: KG.actorSearch) ---- */
  KG.actorSearch(N.nodes.map(function (n) { return n.id; }), function (found) { selectActor(found, "search"); });

  /* ---- pointer ---- */
  function pagePoint(p) {
    var r = container.getBoundingClientRect();
    return [r.left + p.pointer.DOM.x, r.top + p.pointer.DOM.y];
  }
  function edgeCard(id) {
    if (!N.collapse) {
      var l = links[id];
      return l.kind === "event" ? KG.eventCard(l.ref) : KG.stateCard(l.ref);
    }
    var p = pairs[id], shown = p.links.filter(function (i) { return linkVisible[i]; });
    var card = KG.el("div", { class: "kg-card" }, [
      KG.el("div", { class: "kg-title", text: actors[p.from].label + (p.kind === "state" ? " member of " : " → ") + actors[p.to].label }),
      KG.el("div", { class: "kg-row", text: shown.length + " in range (hostile, cooperative, neutral: " +
        ["hostile", "cooperative", "neutral"].map(function (s) {
          return shown.filter(function (i) { return KG.signName(links[i].sign) === s; }).length;
        }).join(", ") + ")" }),
    ]);
    shown.slice(0, 12).forEach(function (i) {
      var r = recordOf(links[i]);
      card.appendChild(KG.el("div", { class: "kg-row sign-" + KG.signName(links[i].sign) }, [KG.el("span", { class: "kg-date", text: KG.when(r) }), " " + r.label]));
    });
    if (shown.length > 12) card.appendChild(KG.el("div", { class: "kg-muted", text: "… and " + (shown.length - 12) + " more (click an actor for the full list)" }));
    return card;
  }
  network.on("hoverEdge", function (p) { var xy = pagePoint(p); KG.showTooltip(edgeCard(p.edge), xy[0], xy[1]); });
  network.on("blurEdge", function () { KG.hideTooltip(400); });
  network.on("hoverNode", function (p) {
    var xy = pagePoint(p), score = N.scores[p.node];
    KG.showTooltip(KG.actorCard(p.node, [N.sizeBy, score === undefined ? "0" : String(score)]), xy[0], xy[1]);
  });
  network.on("blurNode", function () { KG.hideTooltip(400); });
  network.on("click", function (p) {
    if (p.nodes.length) { selectActor(p.nodes[0], "network"); return; }
    if (p.edges.length) {
      var id = p.edges[0];
      var xy = pagePoint(p);
      KG.showTooltip(edgeCard(id), xy[0], xy[1], true);
      var first = N.collapse ? pairs[id].links[0] : id;
      if (links[first].kind === "event") KG.emit("select-event", links[first].ref, "network");
    }
  });

  /* ---- linking (explore page) ---- */
  KG.on("select-event", function (index, origin) {
    if (origin === "network") return;
    var ids = [], ends = new Set();
    links.forEach(function (l, i) {
      if (l.kind === "event" && l.ref === index && linkVisible[i]) {
        ids.push(N.collapse ? linkPair[i] : i);
        ends.add(l.from); ends.add(l.to);
      }
    });
    network.setSelection({ nodes: Array.from(ends), edges: ids }, { unselectAll: true, highlightEdges: false });
    if (ends.size) network.fit({ nodes: Array.from(ends), animation: { duration: 300 }, maxZoomLevel: 1.5 });
  });
  KG.on("select-actor", function (index, origin) {
    if (origin === "timeline") selectActor(index, "timeline");
  });

  /* ---- the API the tests (and curious users in the console) use ---- */
  window.kgView = {
    network: network, nodes: nodes, edges: edges,
    setRange: function (from, to) {
      slider.set(from, to);
      view.from = from; view.to = to; recompute();
    },
    range: function () { return { from: view.from, to: view.to }; },
    visibleActors: function () { return nodesView.getIds().map(function (i) { return actors[i].slug; }).sort(); },
    visibleLinks: function () {
      var out = [];
      links.forEach(function (l, i) {
        if (!linkVisible[i]) return;
        var r = recordOf(l);
        out.push({ from: actors[l.from].slug, to: actors[l.to].slug, kind: l.kind, cls: r.cls, role: l.role, iri: r.iri, label: r.label });
      });
      return out;
    },
    drawnEdges: function () { return edgesView.getIds().length; },
    selectedActors: function () { return network.getSelectedNodes().map(function (i) { return actors[i].slug; }); },
    showEdgeTooltip: function (i) { return KG.showTooltip(edgeCard(N.collapse ? linkPair[i] : i), 100, 100, true).textContent; },
    selectActor: function (slug) {
      for (var i = 0; i < actors.length; i++) if (actors[i].slug === slug) return selectActor(i, "api");
      return false;
    },
  };
})();
