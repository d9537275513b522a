/* The partnership network page: draws /network/data.json with Cytoscape.js and keeps the
 * filters, note, timeline, tables and download links in step with it. Without this script the
 * page is complete as served (the form submits, the table lists every link).
 * All text goes into the page through textContent, never as markup. */
(function () {
  "use strict";

  var KIND_ORDER = ["co-organised", "participated", "stated", "shared-topic"];
  var KIND_COLOURS = {
    "co-organised": "#1f5f8b",
    "participated": "#d9822b",
    "stated": "#2e8b57",
    "shared-topic": "#9aa3ab"
  };
  // Tableau 10, readable on white and distinguishable by most colour-blind readers.
  var COMMUNITY_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

  var config = JSON.parse(document.getElementById("network-config").textContent);
  var form = document.querySelector("form.network-filters");
  var container = document.getElementById("network-graph");
  var note = document.getElementById("network-note");
  var hoverCard = document.getElementById("hover-card");
  var state = { cy: null, data: null, request: 0 };

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function link(href, text) {
    return el("a", text, { href: href });
  }

  /* The form as query parameters, leaving out defaults so URLs stay short. */
  function formParams() {
    var params = new URLSearchParams();
    var kinds = Array.prototype.slice.call(form.querySelectorAll("input[name=kind]:checked"))
      .map(function (box) { return box.value; });
    if (kinds.join(",") !== config.defaults.kinds.join(",")) {
      params.set("kind", kinds.length ? kinds.join(",") : "none");
    }
    ["from", "to", "country", "type", "topic", "limit"].forEach(function (name) {
      var field = form.elements[name];
      var value = field && field.value.trim();
      if (!value) return;
      if (name === "limit" && Number(value) === config.defaults.limit) return;
      params.set(name, value);
    });
    return params;
  }

  function kindOf(edge) {
    var best = edge.kinds.slice().sort(function (a, b) {
      return b.strength - a.strength || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
    })[0];
    return best ? best.kind : "co-organised";
  }

  function elementsOf(data) {
    var maxDegree = 1, maxStrength = 1;
    data.nodes.forEach(function (n) { maxDegree = Math.max(maxDegree, n.degree); });
    data.edges.forEach(function (e) { maxStrength = Math.max(maxStrength, e.strength); });
    var small = data.nodes.length <= 25;
    // Nodes come strongest first: the first few always carry their name, the rest on hover
    // or when zoomed in far enough (min-zoomed-font-size).
    var named = small ? data.nodes.length : Math.min(15, Math.ceil(data.nodes.length / 5));
    var nodes = data.nodes.map(function (n, index) {
      var community = n.metrics && n.metrics.community ? n.metrics.community : 0;
      return {
        group: "nodes",
        data: {
          id: n.id,
          label: n.label,
          href: n.href,
          size: (small ? 22 : 12) + (small ? 38 : 40) * Math.sqrt(n.degree / maxDegree),
          colour: community ? COMMUNITY_COLOURS[(community - 1) % COMMUNITY_COLOURS.length] : "#8a949e"
        },
        classes: (n.match ? "" : "context") + (index < named ? " labelled" : "")
      };
    });
    var edges = data.edges.map(function (e) {
      return {
        group: "edges",
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          why: e.why,
          width: 1 + 9 * Math.sqrt(e.strength / maxStrength),
          colour: KIND_COLOURS[kindOf(e)]
        },
        classes: kindOf(e)
      };
    });
    return nodes.concat(edges);
  }

  var STYLE = [
    { selector: "node", style: {
      "width": "data(size)", "height": "data(size)", "background-color": "data(colour)",
      "border-width": 1.5, "border-color": "#ffffff", "label": "",
      "font-size": 11, "color": "#1d232a", "text-valign": "bottom", "text-margin-y": 3,
      "text-wrap": "ellipsis", "text-max-width": 220, "min-zoomed-font-size": 7,
      "text-background-color": "#ffffff", "text-background-opacity": 0.85,
      "text-background-padding": 1
    } },
    { selector: "node.labelled", style: { "label": "data(label)" } },
    { selector: "node.context", style: { "opacity": 0.45 } },
    { selector: "edge", style: {
      "width": "data(width)", "line-color": "data(colour)", "opacity": 0.7,
      "curve-style": "haystack"
    } },
    { selector: "edge.shared-topic", style: { "line-style": "dashed", "curve-style": "straight" } },
    { selector: ".faded", style: { "opacity": 0.12 } },
    { selector: "node.focus", style: { "label": "data(label)", "border-color": "#1d232a", "z-index": 10 } },
    { selector: "edge.focus", style: { "opacity": 1 } }
  ];

  function layoutFor(count) {
    var large = count > 200;
    return {
      name: "cose", animate: false, fit: true, padding: 30, randomize: true,
      nodeRepulsion: function () { return large ? 6000 : 40000; },
      idealEdgeLength: function () { return large ? 40 : 100; },
      edgeElasticity: function () { return large ? 100 : 60; },
      gravity: large ? 1 : 0.6, nestingFactor: 1.2,
      numIter: count > 400 ? 400 : 1500, componentSpacing: large ? 60 : 100,
      nodeDimensionsIncludeLabels: !large
    };
  }

  function showCard(node) {
    var n = node.data("node");
    hoverCard.textContent = "";
    hoverCard.appendChild(el("strong", n.label));
    var facts = [];
    if (n.type_labels.length) facts.push(n.type_labels.join(", "));
    if (n.country_labels.length) facts.push(n.country_labels.join(", "));
    if (facts.length) hoverCard.appendChild(el("span", facts.join(" · "), { "class": "meta" }));
    var parts = [n.degree + (n.degree === 1 ? " partner" : " partners") + " here",
      "strength " + n.weighted_degree];
    if (n.metrics && n.metrics.community) {
      parts.push("community " + n.metrics.community, "betweenness " + n.metrics.betweenness.toFixed(3));
    }
    hoverCard.appendChild(el("span", parts.join(" · "), { "class": "meta" }));
    hoverCard.hidden = false;
  }

  function draw(data) {
    container.hidden = false;
    document.getElementById("graph-help").hidden = false;
    if (state.cy) state.cy.destroy();
    var elements = elementsOf(data);
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    var cy = window.cytoscape({
      container: container, elements: elements, style: STYLE, layout: layoutFor(data.nodes.length),
      minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false, autoungrabify: false
    });
    cy.nodes().forEach(function (node) { node.data("node", byId[node.id()]); });
    cy.on("tap", "node", function (event) { window.location.assign(event.target.data("href")); });
    cy.on("tap", "edge", function (event) { window.location.assign(event.target.data("why")); });
    cy.on("mouseover", "node", function (event) {
      var node = event.target, hood = node.closedNeighborhood();
      cy.elements().not(hood).addClass("faded");
      hood.addClass("focus");
      container.style.cursor = "pointer";
      showCard(node);
    });
    cy.on("mouseover", "edge", function () { container.style.cursor = "pointer"; });
    cy.on("mouseout", "node, edge", function () {
      cy.elements().removeClass("faded focus");
      container.style.cursor = "";
      hoverCard.hidden = true;
    });
    // The strongest institutions keep a readable name at any zoom; the others show theirs
    // once zoomed in (or on hover).
    var fontFor = function () {
      var scale = Math.max(1, 1 / cy.zoom());
      cy.style().selector("node.labelled")
        .style({ "font-size": 12 * scale, "text-max-width": 220 * scale }).update();
    };
    cy.on("zoom", fontFor);
    fontFor();
    state.cy = cy;
  }

  function renderNote(data) {
    note.textContent = data.note;
    if (data.truncated) {
      note.appendChild(document.createTextNode(" "));
      note.appendChild(el("strong", "Cut to the strongest links."));
    }
  }

  function renderTimeline(data) {
    var list = document.getElementById("timeline");
    list.textContent = "";
    if (!data.timeline.length) { list.appendChild(el("li", "No dated programs.", { "class": "empty" })); return; }
    var peak = Math.max.apply(null, data.timeline.map(function (t) { return t.programs; }));
    var step = Math.ceil(data.timeline.length / 8);
    data.timeline.forEach(function (t, index) {
      var item = el("li", null, t.selected ? {} : { "class": "outside" });
      var a = el("a", null, { href: "#", title: t.programs + (t.programs === 1 ? " program in " : " programs in ") + t.year });
      a.dataset.year = t.year;
      var bar = el("span", null, { "class": "bar" });
      bar.style.height = (100 * t.programs / peak).toFixed(1) + "%";
      a.appendChild(bar);
      a.appendChild(el("span", t.year, { "class": index % step ? "year hide" : "year" }));
      item.appendChild(a);
      list.appendChild(item);
    });
  }

  function renderCentral(data) {
    var body = document.querySelector("#central tbody");
    body.textContent = "";
    data.nodes.slice(0, 15).forEach(function (n) {
      var row = el("tr");
      var name = el("td"); name.appendChild(link(n.href, n.label)); row.appendChild(name);
      row.appendChild(el("td", n.degree, { "class": "num" }));
      row.appendChild(el("td", Math.round(n.weighted_degree * 10) / 10, { "class": "num" }));
      var m = n.metrics || {};
      row.appendChild(el("td", m.betweenness !== undefined ? m.betweenness.toFixed(3) : "–", { "class": "num" }));
      row.appendChild(el("td", m.community !== undefined ? m.community : "–", { "class": "num" }));
      body.appendChild(row);
    });
    if (!data.nodes.length) {
      var empty = el("tr"); empty.appendChild(el("td", "No institution matches these filters.", { colspan: "5" }));
      body.appendChild(empty);
    }
  }

  function renderLinks(data) {
    var labels = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=kind]"), function (box) {
      labels[box.value] = box.parentNode.textContent.replace("(weak)", "").trim();
    });
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    var body = document.querySelector("#links tbody");
    body.textContent = "";
    data.edges.forEach(function (e) {
      var a = byId[e.source], b = byId[e.target], row = el("tr"), cell;
      cell = el("td"); cell.appendChild(link(a.href, a.label)); row.appendChild(cell);
      cell = el("td"); cell.appendChild(link(b.href, b.label)); row.appendChild(cell);
      row.appendChild(el("td", e.strength, { "class": "num" }));
      cell = el("td");
      e.kinds.forEach(function (k) { cell.appendChild(el("span", labels[k.kind] || k.kind, { "class": "tag kind-" + k.kind })); });
      row.appendChild(cell);
      row.appendChild(el("td", e.first ? (e.last !== e.first ? e.first + "–" + e.last : e.first) : ""));
      row.appendChild(el("td", e.evidence, { "class": "num" }));
      cell = el("td"); cell.appendChild(link(e.why, "why")); row.appendChild(cell);
      body.appendChild(row);
    });
    if (!data.edges.length) {
      var empty = el("tr"); empty.appendChild(el("td", "No link matches these filters.", { colspan: "7" }));
      body.appendChild(empty);
    }
  }

  function renderExports(query) {
    Array.prototype.forEach.call(document.querySelectorAll("#exports a[data-export]"), function (a) {
      var url = new URL(a.href, window.location.href);
      url.search = query;
      a.href = url.pathname + url.search;
    });
  }

  function refresh() {
    var params = formParams();
    var query = params.toString();
    history.replaceState(null, "", config.page_url + (query ? "?" + query : ""));
    renderExports(query);
    var ticket = ++state.request;
    container.setAttribute("aria-busy", "true");
    return fetch(config.data_url + (query ? "?" + query : ""), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.error || response.statusText);
          return body;
        });
      })
      .then(function (data) { if (ticket === state.request) show(data, query); return data; })
      .catch(function (err) {
        if (ticket !== state.request) return;
        note.textContent = "Could not load the network: " + err.message;
        container.removeAttribute("aria-busy");
      });
  }

  function show(data, query) {
    state.data = data;
    var table = document.getElementById("links-details");
    if (table && !state.data_shown) table.open = false;
    state.data_shown = true;
    renderNote(data);
    renderTimeline(data);
    renderCentral(data);
    renderLinks(data);
    draw(data);
    container.removeAttribute("aria-busy");
    container.dataset.nodes = String(data.nodes.length);
    container.dataset.edges = String(data.edges.length);
    container.dataset.query = query;  // what is drawn, for tests and for scripts
  }

  if (!window.cytoscape) {
    note.appendChild(document.createTextNode(" (The drawing library did not load; the table lists every link.)"));
    return;
  }

  var pending = null;
  form.addEventListener("change", function () {
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    refresh();
  });
  document.getElementById("timeline").addEventListener("click", function (event) {
    var a = event.target.closest("a[data-year]");
    if (!a) return;
    event.preventDefault();
    form.elements.from.value = a.dataset.year;
    form.elements.to.value = a.dataset.year;
    refresh();
  });

  window.museumkgNetwork = { refresh: refresh, cy: function () { return state.cy; }, data: function () { return state.data; } };
  refresh();
})();
