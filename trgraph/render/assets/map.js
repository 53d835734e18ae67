/* trgraph map behaviour: draw, settle then stop, filter, group clean partners.
   Data arrives as inert JSON; tooltips are HTML that trgraph escaped value by value,
   labels are drawn on the canvas as plain text. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("trgraph-data").textContent);
  var state = { stable: false, stableMs: null, startedMs: performance.now(), clusters: [], notes: cfg.notes };
  window.trgraph = state;

  function tip(html) {
    var div = document.createElement("div");
    div.className = "trg-tip";
    div.innerHTML = html;
    return div;
  }
  function prepare(item) {
    if (typeof item.title === "string") { item.title = tip(item.title); }
    if (item.label !== undefined) { item.label = String(item.label); }
    return item;
  }
  var nodes = new vis.DataSet(cfg.nodes.map(prepare));
  var edges = new vis.DataSet(cfg.edges.map(prepare));
  var container = document.getElementById("trg-map");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, cfg.options);
  state.network = network; state.nodes = nodes; state.edges = edges;

  var progress = document.getElementById("trg-progress");
  network.on("stabilizationProgress", function (p) {
    progress.textContent = "laying out the map… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    // The layout has settled: stop the simulation so nothing keeps drifting.
    network.setOptions({ physics: { enabled: false } });
    state.stable = true;
    state.stableMs = performance.now() - state.startedMs;
    progress.hidden = true;
  });

  function value(id) { var el = document.getElementById(id); return el ? el.value : ""; }
  function checked(id) { var el = document.getElementById(id); return el ? el.checked : false; }
  function visible(n, flag, tier, pathsOnly) {
    if (n.keep) { return true; }
    if (flag && (n.flags || []).indexOf(flag) < 0) { return false; }
    if (tier && (n.tiers || []).indexOf(tier) < 0) { return false; }
    if (pathsOnly && !n.onpath) { return false; }
    return true;
  }
  function applyFilter() {
    var flag = value("trg-flag"), tier = value("trg-tier"), pathsOnly = checked("trg-pathsonly");
    nodes.update(cfg.nodes.map(function (n) { return { id: n.id, hidden: !visible(n, flag, tier, pathsOnly) }; }));
  }

  function openClusters() {
    state.clusters.forEach(function (id) { if (network.isCluster(id)) { network.openCluster(id); } });
    state.clusters = [];
  }
  function groupClean(by) {
    openClusters();
    if (!by) { return; }
    var members = {};
    cfg.nodes.forEach(function (n) {
      if (n.role === "partner" && n.clean) {
        var key = n[by] || "unknown";
        (members[key] = members[key] || []).push(n);
      }
    });
    Object.keys(members).sort().forEach(function (key) {
      var group = members[key];
      if (group.length < 2) { return; }
      var id = "cluster:" + by + ":" + key;
      var names = document.createElement("div");
      names.className = "trg-tip";
      names.textContent = group.length + " clean partners (" + by + " " + key + "): " +
        group.slice(0, 25).map(function (n) { return n.fullname; }).join("; ") + (group.length > 25 ? "; …" : "");
      network.cluster({
        joinCondition: function (n) { return n.role === "partner" && n.clean && (n[by] || "unknown") === key; },
        clusterNodeProperties: {
          id: id, label: key + " · " + group.length, title: names, shape: "square",
          color: cfg.groupColour, role: "group", tiers: ["none"], flags: [], clean: true
        }
      });
      state.clusters.push(id);
    });
  }

  ["trg-flag", "trg-tier", "trg-pathsonly"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) { el.addEventListener("change", applyFilter); }
  });
  var grouping = document.getElementById("trg-group");
  if (grouping) { grouping.addEventListener("change", function () { groupClean(grouping.value); }); }
  network.on("doubleClick", function (params) {
    if (params.nodes.length === 1 && network.isCluster(params.nodes[0])) {
      network.openCluster(params.nodes[0]);
    }
  });
})();
