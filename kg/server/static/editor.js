/* conflict-kg's SPARQL editor: YASGUI (vendored) configured for this server only.
 *
 * - queries go to this server's /sparql (the page's CSP allows no other origin);
 * - the project's prefixes are offered by the prefix completion, and a prefixed name typed
 *   without its PREFIX line gets one (YASQE does that through the completer); the class and
 *   property completers of YASQE ask a remote service (LOV): they are off;
 * - saved queries open as examples in a new tab, parameters bound to their defaults in a
 *   VALUES block, described in the header comments;
 * - result IRIs of this dataset link to this server's linked-data pages;
 * - a response format choice (the Accept header), and a bar chart of aggregate results.
 * Labels are set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kg-config").textContent);
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var SELECT_TYPES = {
    json: "application/sparql-results+json",
    xml: "application/sparql-results+xml",
    csv: "text/csv",
    tsv: "text/tab-separated-values",
  };
  var GRAPH_TYPES = {
    turtle: "text/turtle",
    ntriples: "application/n-triples",
    jsonld: "application/ld+json",
    rdfxml: "application/rdf+xml",
  };

  function chosen(id, types) {
    var select = document.getElementById(id);
    return types[select.value] + ",*/*;q=0.1";
  }

  // -- links to the linked-data pages --------------------------------------------------------
  function localPath(iri) {
    if (iri.indexOf(config.base) !== 0) return null;
    return "/" + encodeURI(iri.slice(config.base.length)).replace(/'/g, "%27").replace(/"/g, "%22");
  }
  var Table = Yasr.plugins.table;
  Table.defaults.openIriInNewWindow = true; // the editor keeps its state
  var iriLink = Table.prototype.getUriLinkFromBinding;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    var html = iriLink.call(this, binding, prefixes);
    var path = localPath(binding.value);
    return path === null ? html : html.replace(/href=(["'])[^"']*\1/, 'href="' + path + '"');
  };

  // -- prefixes: the project's first, then YASQE's bundled list (no prefix.cc request) ------------
  var ours = Object.keys(config.prefixes).sort().map(function (p) { return p + ": <" + config.prefixes[p] + ">"; });
  Yasqe.forkAutocompleter("prefixes", {
    name: "kg-prefixes",
    persistenceId: null,
    get: function (yasqe) {
      return Promise.resolve(Yasqe.Autocompleters.prefixes.get(yasqe)).then(function (bundled) {
        var seen = {};
        ours.forEach(function (line) { seen[line.split(":")[0]] = true; });
        return ours.concat(bundled.filter(function (line) { return !seen[line.split(":")[0]]; }));
      });
    },
  });

  // -- a bar chart of aggregate results (a label column and a number column) -------------------
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;
  function chartColumns(results) {
    if (!results || !results.getVariables) return null;
    var vars = results.getVariables() || [];
    var rows = results.getBindings() || [];
    if (!rows.length || rows.length > 500) return null;
    var numeric = vars.filter(function (v) {
      return rows.every(function (r) { return !r[v] || (r[v].datatype && NUMERIC.test(r[v].datatype)); }) &&
        rows.some(function (r) { return r[v]; });
    });
    var label = vars.filter(function (v) { return numeric.indexOf(v) < 0; })[0];
    if (!numeric.length || !label) return null;
    return { label: label, value: numeric[0], rows: rows };
  }
  function Chart(yasr) { this.yasr = yasr; }
  Chart.prototype.priority = 5;
  Chart.prototype.label = "Chart";
  Chart.prototype.helpReference = undefined;
  Chart.prototype.canHandleResults = function () {
    return !!(this.yasr.results && this.yasr.results.getType && this.yasr.results.getType() === "json" &&
      chartColumns(this.yasr.results));
  };
  Chart.prototype.getIcon = function () {
    var icon = document.createElement("div");
    icon.className = "kg-chart-icon";
    icon.textContent = "▮▮";
    return icon;
  };
  Chart.prototype.draw = function () {
    var spec = chartColumns(this.yasr.results);
    var NS = "http://www.w3.org/2000/svg";
    var prefixes = config.prefixes;
    function shortLabel(term) {
      if (!term) return "";
      var text = term.value;
      if (term.type === "uri") {
        for (var p in prefixes) {
          if (text.indexOf(prefixes[p]) === 0) return p + ":" + text.slice(prefixes[p].length);
        }
      }
      return text.length > 48 ? text.slice(0, 47) + "…" : text;
    }
    var data = spec.rows.map(function (r) {
      return { label: shortLabel(r[spec.label]), value: r[spec.value] ? Number(r[spec.value].value) : 0 };
    });
    var max = Math.max.apply(null, data.map(function (d) { return Math.abs(d.value); }).concat([1]));
    var barH = 18, gap = 4, left = 280, width = 760, height = data.length * (barH + gap) + 30;
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("class", "kg-chart");
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.setAttribute("role", "img");
    var title = document.createElementNS(NS, "title");
    title.textContent = spec.value + " by " + spec.label;
    svg.appendChild(title);
    data.forEach(function (d, i) {
      var y = 20 + i * (barH + gap);
      var text = document.createElementNS(NS, "text");
      text.setAttribute("x", String(left - 8));
      text.setAttribute("y", String(y + barH - 5));
      text.setAttribute("text-anchor", "end");
      text.textContent = d.label;
      var bar = document.createElementNS(NS, "rect");
      bar.setAttribute("x", String(left));
      bar.setAttribute("y", String(y));
      bar.setAttribute("height", String(barH));
      bar.setAttribute("width", String(Math.max(1, (width - left - 60) * Math.abs(d.value) / max)));
      var value = document.createElementNS(NS, "text");
      value.setAttribute("x", String(left + 4 + (width - left - 60) * Math.abs(d.value) / max));
      value.setAttribute("y", String(y + barH - 5));
      value.textContent = String(d.value);
      svg.appendChild(text);
      svg.appendChild(bar);
      svg.appendChild(value);
    });
    var caption = document.createElementNS(NS, "text");
    caption.setAttribute("x", String(left));
    caption.setAttribute("y", "12");
    caption.setAttribute("class", "kg-chart-caption");
    caption.textContent = "?" + spec.value + " by ?" + spec.label;
    svg.appendChild(caption);
    this.yasr.resultsEl.appendChild(svg);
  };
  Yasr.registerPlugin("chart", Chart);

  // -- the editor ----------------------------------------------------------------------------
  var root = document.getElementById("kg-yasgui");
  var token = document.getElementById("kg-token");
  var yasgui = new Yasgui(root, {
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: function () { return chosen("kg-format", SELECT_TYPES); },
      acceptHeaderGraph: function () { return chosen("kg-graph-format", GRAPH_TYPES); },
      acceptHeaderUpdate: "text/plain,*/*;q=0.9",
      headers: function () { return token && token.value ? { Authorization: "Bearer " + token.value } : {}; },
    },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    tabName: "Query",
    yasqe: {
      value: config.defaultQuery,
      autocompleters: ["kg-prefixes", "variables"],
      prefixCcApi: null,
      createShortLink: undefined,
      editorHeight: "260px",
    },
    yasr: {
      prefixes: config.prefixes,
      pluginOrder: ["table", "chart", "response"],
      defaultPlugin: "table",
    },
  });

  var examples = {};
  config.examples.forEach(function (q) { examples[q.name] = q; });
  var picker = document.getElementById("kg-examples");
  var info = document.getElementById("kg-example-info");
  picker.addEventListener("change", function () {
    var q = examples[picker.value];
    if (!q) return;
    var params = q.parameters.map(function (p) { return "?" + p.name + " = " + (p.default || "none"); });
    info.textContent = q.description + (params.length ? " Parameters (edit them in the VALUES block): " + params.join(", ") + "." : "");
    var existing = yasgui.tabNameTaken(q.title);
    if (existing) {
      yasgui.selectTabId(existing.getId());
    } else {
      yasgui.addTab(true, { name: q.title, yasqe: { value: q.text } });
    }
    picker.value = "";
  });

  window.kgEditor = {
    yasgui: yasgui,
    yasqe: function () { return yasgui.getTab().getYasqe(); },
    yasr: function () { return yasgui.getTab().getYasr(); },
    run: function (text) {
      var tab = yasgui.getTab();
      if (text !== undefined) tab.getYasqe().setValue(text);
      return tab.query();
    },
  };
  root.setAttribute("data-ready", "1");
})();
