/* conflict-kg timeline view: events on a time axis, one swimlane per actor (or per type). */
(function () {
  "use strict";
  var KG = window.KG, D = KG.data, T = D.timeline;
  var container = document.getElementById("kg-timeline");
  var events = D.events, states = D.states;
  if (!T.items.length) {
    if (!document.querySelector(".kg-empty")) KG.showEmpty(container);
    else container.setAttribute("data-ready", "1");
    return;
  }

  function nextDay(iso) { return KG.iso(KG.day(iso) + 1); }

  var groups = new vis.DataSet(T.lanes.map(function (lane, i) {
    return { id: lane.id, content: KG.el("span", { class: "kg-lane", text: lane.label }), order: i };
  }));
  var items = new vis.DataSet(T.items.map(function (it) {
    var rec = it.kind === "event" ? events[it.ref] : states[it.ref];
    var sign = it.kind === "event" ? KG.signName(rec.sign) : "membership";
    var item = {
      id: it.id, group: it.lane, start: rec.date,
      content: KG.el("span", { text: rec.label }),
      className: "sign-" + sign + (rec.precision !== "day" ? " imprecise" : "") + (rec.end === null ? " open" : ""),
    };
    if (it.kind === "state") { item.end = nextDay(rec.end || D.end); item.type = "range"; }
    else if (rec.end !== rec.date) { item.end = nextDay(rec.end); item.type = "range"; }
    else item.type = "box";
    return item;
  }));
  var byId = {};
  T.items.forEach(function (it) { byId[it.id] = it; });

  var options = {
    stack: true, orientation: { axis: "top" }, zoomKey: "ctrlKey", showTooltips: false,
    margin: { item: { horizontal: 4, vertical: 4 } },
    start: T.window ? T.window[0] : D.start, end: T.window ? T.window[1] : D.end,
    groupOrder: "order", verticalScroll: true, height: "100%",
  };
  var timeline = new vis.Timeline(container, items, groups, options);
  timeline.once("changed", function () { container.setAttribute("data-ready", "1"); });

  function card(id) {
    var it = byId[id];
    return it.kind === "event" ? KG.eventCard(it.ref) : KG.stateCard(it.ref);
  }
  timeline.on("itemover", function (p) { KG.showTooltip(card(p.item), p.event.clientX, p.event.clientY); });
  timeline.on("itemout", function () { KG.hideTooltip(400); });
  timeline.on("select", function (p) {
    if (!p.items.length) return;
    var it = byId[p.items[0]];
    var ev = p.event && p.event.srcEvent ? p.event.srcEvent : { clientX: 200, clientY: 200 };
    KG.showTooltip(card(it.id), ev.clientX, ev.clientY, true);
    if (it.kind === "event") KG.emit("select-event", it.ref, "timeline");
  });

  /* ---- linking (explore page) ---- */
  KG.on("select-actor", function (actor, origin) {
    if (origin === "timeline") return;
    var mine = KG.actorEvents(actor);
    var ids = T.items.filter(function (it) {
      if (it.kind === "event") return mine.has(it.ref);
      var st = states[it.ref];
      return st.member === actor || st.organization === actor;
    }).map(function (it) { return it.id; });
    timeline.setSelection(ids);
    container.setAttribute("data-highlighted", String(ids.length));
  });
  KG.on("select-event", function (index, origin) {
    if (origin === "timeline") return;
    var ids = T.items.filter(function (it) { return it.kind === "event" && it.ref === index; }).map(function (it) { return it.id; });
    timeline.setSelection(ids, { focus: ids.length > 0, animation: { duration: 300 } });
    container.setAttribute("data-highlighted", String(ids.length));
  });
  KG.on("range", function (r) {
    if (!document.getElementById("kg-network")) return;
    timeline.setWindow(KG.iso(KG.day(r.from) - 1), KG.iso(KG.day(r.to) + 2), { animation: false });
  });

  window.kgTimeline = {
    timeline: timeline, items: items,
    lanes: function () { return T.lanes.map(function (l) { return l.label; }); },
    itemLabels: function () { return T.items.map(function (it) { return (it.kind === "event" ? events : states)[it.ref].label; }); },
    selected: function () { return timeline.getSelection(); },
    select: function (id) {
      timeline.setSelection([id]);
      var it = byId[id];
      if (it && it.kind === "event") KG.emit("select-event", it.ref, "timeline");
    },
    showTooltip: function (id) { return KG.showTooltip(card(id), 100, 100, true).textContent; },
  };
})();
