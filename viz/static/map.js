/* conflict-kg map view: Leaflet on a canvas, Natural Earth countries as the basemap, one circle per
   event at its place; the time slider, filters and actor search are common.js's (shared with the
   network). Popups are DOM nodes built with textContent: nothing from the data is parsed as HTML.
   On the explore page the network owns those controls: the map follows its "range" (range and
   filters), "select-actor" and "select-event", and says which event its popup shows. */
(function () {
  "use strict";
  var KG = window.KG, D = KG.data, M = D.map;
  var events = D.events, actors = D.nodes, places = M.places, points = M.points;
  var container = document.getElementById("kg-map");
  var $ = function (id) { return document.getElementById(id); };
  var follower = !!$("kg-network");
  if (!D.start || !points.length) {
    if (follower) {
      KG.showEmpty(container, D.start ? "No event of this selection has coordinates: nothing to put on the map." : "Nothing to show.");
      return;
    }
    KG.showEmpty(container);
    $("kg-range-text").textContent = "–";
    return;
  }

  /* ---- state ---- */
  var view = { from: D.start, to: D.end, relations: new Set(M.relations), types: new Set(M.types), colorBy: M.colorBy };
  var rolesOf = {};
  D.roles.forEach(function (r) { (rolesOf[r[0]] = rolesOf[r[0]] || []).push(r[1]); });
  function groupOf(n) { return n.kind || n.type; }
  function relationShown(e) {
    return (!e.type || view.relations.has(e.type)) && (!e.datasetType || view.relations.has(e.datasetType));
  }
  function typesShown(i) {
    return (rolesOf[i] || []).every(function (a) { return view.types.has(groupOf(actors[a])); });
  }

  /* ---- the map and its basemap ---- */
  var map = L.map(container, { preferCanvas: true, zoomSnap: 0.5, worldCopyJump: false, minZoom: 1, maxZoom: 14 });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Boundaries: Natural Earth (public domain)");
  var topo = JSON.parse($("kg-basemap").textContent);
  L.geoJSON(topojson.feature(topo, topo.objects.countries), {
    renderer: L.canvas({ padding: 0.3 }), interactive: false,
    style: { color: "#90a4ae", weight: 0.7, fillColor: "#f4f1e8", fillOpacity: 1 },
  }).addTo(map);

  /* ---- markers: one per located event ---- */
  var renderer = L.canvas({ padding: 0.3, tolerance: 3 });
  var layer = L.layerGroup().addTo(map);
  var markers = new Array(points.length), shown = new Uint8Array(points.length), highlighted = new Set(), selected = null;
  var atPlace = {};
  function radius(e) { return e.fatalities ? Math.min(28, 4 + 2.2 * Math.sqrt(e.fatalities)) : 4; }
  function color(e) {
    return view.colorBy === "type" ? (M.eventColors[e.type] || M.colors.neutral) : M.colors[KG.signName(e.sign)];
  }
  /* not a point: the place is a country or region, or the dataset says the event is somewhere in a region around it */
  function isArea(k) { return places[points[k][1]].area || events[points[k][0]].geoArea; }
  function style(k) {
    var e = events[points[k][0]], area = isArea(k), c = color(e), hi = highlighted.has(points[k][0]);
    var faint = e.precision && e.precision !== "day";
    return {
      renderer: renderer, radius: area ? Math.max(radius(e), 7) : radius(e),
      color: hi ? "#000" : area ? c : "#37474f", weight: hi ? 3 : area ? 2 : 0.6,
      dashArray: area ? "4 3" : null, fillColor: c,
      fillOpacity: area ? (faint ? 0.08 : 0.18) : (faint ? 0.35 : 0.8),
    };
  }
  points.forEach(function (p, k) {
    var place = places[p[1]];
    markers[k] = L.circleMarker([place.lat, place.lon], style(k));
    markers[k].on("click", function () { openPopup(k); });
    (atPlace[p[1]] = atPlace[p[1]] || []).push(k);
  });

  function row(name, value, cls) {
    return KG.el("div", { class: "kg-row" + (cls ? " " + cls : "") }, [KG.el("span", { class: "kg-key", text: name + ": " }), KG.el("span", { text: value })]);
  }
  /* the event's card (common.js) with what the map adds: where exactly, how precise, fatalities, its page */
  /* what the dataset's precision codes mean (M.notes: per dataset, per code), where the map knows */
  function note(e, kind) { var n = M.notes[e.dataset]; return n ? n[kind][e[kind]] || "" : ""; }
  function mapCard(k) {
    var i = points[k][0], e = events[i], place = places[points[k][1]];
    var card = KG.eventCard(i), geoNote = note(e, "geo"), dateNote = note(e, "time");
    var extra = [
      row("On the map at", place.label + " (" + place.cls + ")"),
      place.area ? row("Location", "only the " + place.cls.toLowerCase() + " is known: drawn at its centre, the event happened somewhere inside", "kg-note") : null,
      geoNote ? row("Location", geoNote, e.geoArea ? "kg-note" : null)
        : e.geo ? row("Location precision (dataset code)", e.geo) : null,
      dateNote ? row("Date precision", dateNote, e.precision !== "day" ? "kg-note" : null)
        : e.precision !== "day" ? row("Date precision", "imprecise (" + e.precision + "): " + KG.when(e), "kg-note") : null,
      row("Fatalities", e.fatalities === null || e.fatalities === undefined ? "unknown" : String(e.fatalities)),
      e.page ? KG.el("div", { class: "kg-row" }, [KG.el("a", { href: e.page, text: "linked-data page of this event" })]) : null,
    ];
    var title = card.firstChild;
    extra.reverse().forEach(function (node) { if (node) title.parentNode.insertBefore(node, title.nextSibling); });
    card.setAttribute("data-event", e.iri);
    return card;
  }
  function popupContent(k) {
    var here = atPlace[points[k][1]].filter(function (j) { return shown[j] && j !== k; });
    var box = KG.el("div", { class: "kg-map-popup" }, [mapCard(k)]);
    if (here.length) box.appendChild(KG.el("div", { class: "kg-key", text: here.length + " more event(s) here in range:" }));
    here.slice(0, 20).forEach(function (j) { box.appendChild(mapCard(j)); });
    if (here.length > 20) box.appendChild(KG.el("div", { class: "kg-muted", text: "… and " + (here.length - 20) + " more (narrow the time range)" }));
    return box;
  }
  function openPopup(k, quiet) {
    var place = places[points[k][1]];
    var content = popupContent(k);
    L.popup({ maxWidth: 420, autoPanPadding: [20, 20] }).setLatLng([place.lat, place.lon]).setContent(content).openOn(map);
    selected = points[k][0];
    container.setAttribute("data-selected", events[selected].iri);
    if (!quiet) KG.emit("select-event", points[k][0], "map");
    return content;
  }
  map.on("popupclose", function () { selected = null; container.removeAttribute("data-selected"); });

  /* ---- filtering ---- */
  function recompute() {
    var count = 0;
    for (var k = 0; k < points.length; k++) {
      var i = points[k][0], e = events[i];
      var ok = KG.overlaps(e, view.from, view.to) && relationShown(e) && typesShown(i) ? 1 : 0;
      if (ok !== shown[k]) {
        if (ok) layer.addLayer(markers[k]); else layer.removeLayer(markers[k]);
        shown[k] = ok;
      }
      count += ok;
    }
    if (follower) {
      $("kg-map-counts").textContent = count + " of " + points.length + " events on the map";
      return;
    }
    $("kg-range-text").textContent = view.from + " – " + view.to;
    $("kg-counts").textContent = count + " events shown of " + points.length + " on the map";
    KG.emit("range", { from: view.from, to: view.to }, "map");
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; recompute(); });
  }
  function restyle() { markers.forEach(function (m, k) { m.setStyle(style(k)); }); }

  var slider = null;
  if (follower) {
    /* the network's slider and checkboxes: the same range and the same sets of names */
    KG.on("range", function (r, origin) {
      if (origin !== "network") return;
      view.from = r.from; view.to = r.to;
      if (r.relations) view.relations = r.relations;
      if (r.types) view.types = r.types;
      recompute();
    });
  } else {
    slider = KG.timeSlider(KG.day(D.start), KG.day(D.end), function (from, to) { view.from = from; view.to = to; schedule(); });
    KG.checkboxes($("kg-relations"), M.relations, view.relations, function (t) { return M.eventColors[t] || M.colors.neutral; }, schedule);
    KG.checkboxes($("kg-types"), M.types, view.types, function (t) { return M.typeColors[t]; }, schedule);
  }
  var colorBy = $("kg-color-by");
  function showLegend() {
    $("kg-legend-sign").hidden = view.colorBy !== "sign";
    $("kg-legend-type").hidden = view.colorBy !== "type";
  }
  colorBy.value = view.colorBy;
  colorBy.addEventListener("change", function () { view.colorBy = colorBy.value; showLegend(); restyle(); });
  showLegend();

  /* ---- actor search: highlight the actor's events ---- */
  var mapped = new Set(points.map(function (p) { return p[0]; }));
  var searchable = actors.map(function (_, i) { return i; }).filter(function (i) {
    return Array.from(KG.actorEvents(i)).some(function (e) { return mapped.has(e); });
  });
  /* actor null: a search that found no one clears the highlight */
  function highlight(actor, origin) {
    highlighted = actor === null ? new Set() : new Set(Array.from(KG.actorEvents(actor)).filter(function (e) { return mapped.has(e); }));
    restyle();
    var where = [];
    points.forEach(function (p, k) { if (highlighted.has(p[0])) { where.push([places[p[1]].lat, places[p[1]].lon]); if (shown[k]) markers[k].bringToFront(); } });
    if (where.length) map.fitBounds(L.latLngBounds(where).pad(0.3), { maxZoom: 8, animate: false });
    container.setAttribute("data-highlighted", String(highlighted.size));
    if (follower) return;  /* the network shows the actor's details */
    var panel = $("kg-details");
    panel.textContent = "";
    if (actor === null) { panel.removeAttribute("data-actor"); return; }
    var n = actors[actor];
    panel.appendChild(KG.el("h3", { text: n.label }));
    panel.appendChild(KG.el("div", { class: "kg-row", text: highlighted.size + " of its events are on the map (outlined in black)." }));
    panel.setAttribute("data-actor", n.slug);
    if (origin !== "timeline" && origin !== "network") KG.emit("select-actor", actor, "map");
  }
  if (!follower) KG.actorSearch(searchable, function (found) { highlight(found, "search"); }, function () { highlight(null, "search"); });
  KG.on("select-actor", function (actor, origin) { if (origin !== "map") highlight(actor, origin); });

  /* ---- an event selected elsewhere (timeline, network): its marker's popup, if it is shown ---- */
  KG.on("select-event", function (index, origin) {
    if (origin === "map") return;
    for (var k = 0; k < points.length; k++) {
      if (points[k][0] === index && shown[k]) { openPopup(k, true); return; }
    }
    map.closePopup();
  });

  /* ---- first view ---- */
  recompute();
  var all = points.map(function (p) { return [places[p[1]].lat, places[p[1]].lon]; });
  map.fitBounds(L.latLngBounds(all).pad(0.15), { maxZoom: 7, animate: false });
  window.requestAnimationFrame(function () { container.setAttribute("data-ready", "1"); });

  /* ---- the API the tests (and curious users in the console) use ---- */
  window.kgMap = {
    map: map,
    setRange: function (from, to) {
      if (follower) return window.kgView.setRange(from, to);
      slider.set(from, to); view.from = from; view.to = to; recompute();
    },
    range: function () { return { from: view.from, to: view.to }; },
    visibleEvents: function () { return points.filter(function (_, k) { return shown[k]; }).map(function (p) { return events[p[0]].iri; }).sort(); },
    drawnMarkers: function () { return layer.getLayers().length; },
    areaMarkers: function () { return points.filter(function (p, k) { return shown[k] && isArea(k); }).length; },
    popup: function (iri) {
      for (var k = 0; k < points.length; k++) if (events[points[k][0]].iri === iri) return openPopup(k).textContent;
      return null;
    },
    highlighted: function () { return Array.from(highlighted).map(function (i) { return events[i].iri; }).sort(); },
    selected: function () { return selected === null ? null : events[selected].iri; },
    color: function (iri) {
      for (var k = 0; k < points.length; k++) if (events[points[k][0]].iri === iri) return markers[k].options.fillColor;
      return null;
    },
  };
})();
