/* conflict-kg trend chart: the page's Vega-Lite specification compiled here and drawn by Vega as
   SVG, with Vega's expression interpreter (no eval: the CSP allows none). Tooltips are the SVG
   elements' titles (text). A click on a legend entry shows that series alone; a second click, all. */
(function () {
  "use strict";
  var KG = window.KG, D = KG.data;
  var container = document.getElementById("kg-chart");
  if (D.empty) { KG.showEmpty(container); return; }
  var spec = JSON.parse(JSON.stringify(D.spec));
  var lines = spec.layer[0];
  lines.params = [{ name: "series", select: { type: "point", fields: ["group"] }, bind: "legend" }];
  lines.encoding.opacity = { condition: { param: "series", value: 1 }, value: 0.12 };
  var compiled = vegaLite.compile(spec).spec;
  var runtime = vega.parse(compiled, null, { ast: true });
  var view = new vega.View(runtime, {
    expr: vegaInterpreter.expressionInterpreter, renderer: "svg", container: container, hover: true,
  });
  view.runAsync().then(function () {
    container.setAttribute("data-ready", "1");
  }).catch(function (error) {
    container.appendChild(KG.el("p", { class: "kg-empty", text: "The chart could not be drawn: " + error }));
    throw error;
  });
  window.kgTrends = {
    view: view, spec: D.spec,
    series: function () { return Array.from(new Set(D.spec.layer[0].data.values.map(function (r) { return r.group; }))); },
    surges: function () { return D.spec.layer.length > 1 ? D.spec.layer[1].data.values.length : 0; },
  };
})();
