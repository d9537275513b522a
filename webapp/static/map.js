/* The map page: institutions per place and partnerships as arcs, with Leaflet.
 *
 * Everything drawn is in the page (<script type="application/json" id="map-config">, written by
 * webapp/views/map.py); the only other request is Natural Earth's country outlines (world-atlas,
 * from /vendor/). No tiles, nothing from another host. The view (centre, zoom, the place whose
 * popup is open) is kept in the URL's fragment, the filters in its query: a map is a link.
 */
(function () {
  "use strict";

  var COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9",
                 "#f0e442", "#882255", "#44aa99", "#999933", "#888888"];
  var CENTRAL_ASIA = [[35, 46], [55.5, 88]];
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var container = document.getElementById("map");
  var markers = {};   // place IRI -> marker
  var arcs = {};      // arc id -> polyline
  var bySlug = {};    // place slug -> place IRI

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function href(path) { return config.root + "/" + path; }
  function slugOf(iri) { return iri.slice(iri.lastIndexOf("/") + 1); }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function readHash() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i > 0) { state[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1)); }
    });
    return state;
  }
  var openPlace = null;
  function writeHash(map) {
    var c = map.getCenter();
    var hash = "#map=" + map.getZoom() + "/" + c.lat.toFixed(3) + "/" + c.lng.toFixed(3);
    if (openPlace) { hash += "&place=" + encodeURIComponent(slugOf(openPlace)); }
    history.replaceState(null, "", location.pathname + location.search + hash);
    // the filters form keeps the view when it reloads the page with other filters
    document.getElementById("map-filters").setAttribute("action", config.page_url + hash);
  }

  function ring(types) {
    var total = 0, stops = [], at = 0;
    var colour = {};
    config.types.forEach(function (t) { colour[t.value] = COLOURS[t.colour]; });
    Object.keys(types).forEach(function (t) { total += types[t]; });
    Object.keys(types).sort().forEach(function (t) {
      var end = at + 360 * types[t] / total;
      stops.push((colour[t] || COLOURS[10]) + " " + at + "deg " + end + "deg");
      at = end;
    });
    return "conic-gradient(" + stops.join(", ") + ")";
  }

  function placeIcon(place) {
    var size = Math.round(24 + 5 * Math.log2(place.count));
    var count = el("span", { "class": "count", "aria-hidden": "true", text: String(place.count) });
    var body = el("span", { "class": "ring" }, [count]);
    body.style.background = ring(place.types);
    return L.divIcon({
      className: "place-marker" + (place.institutions.some(function (o) { return o.match; }) ? "" : " faded"),
      html: body, iconSize: [size, size]
    });
  }

  function popup(place) {
    var list = el("ul", {}, place.institutions.map(function (org) {
      return el("li", {}, [el("span", { "class": "dot c" + org.colour, "aria-hidden": "true" }),
                           el("a", { href: href(org.path), text: org.label })]);
    }));
    if (place.more_institutions) {
      list.appendChild(el("li", {}, [el("a", { href: href(place.path), text: "and " + place.more_institutions + " more" })]));
    }
    var abroad = place.partners_abroad.length + (place.more_partners_abroad || 0);
    return el("div", { "class": "place-popup", "data-place": place.id }, [
      el("h3", {}, [el("a", { href: href(place.path), text: place.label })]),
      el("p", { "class": "meta", text: (place.country_label ? place.country_label + " · " : "") +
                plural(place.count, "institution") + (abroad ? " · " + plural(abroad, "partner") + " abroad" : "") }),
      list
    ]);
  }

  function arcPopup(arc) {
    var list = el("ul", {}, arc.pairs.map(function (pair) {
      return el("li", {}, [
        el("a", { href: href(pair.a_path), text: pair.a_label }), document.createTextNode(" – "),
        el("a", { href: href(pair.b_path), text: pair.b_label }), document.createTextNode(" "),
        el("a", { href: href(pair.why), "class": "why", text: "why?" })
      ]);
    }));
    if (arc.more_pairs) { list.appendChild(el("li", { "class": "meta", text: "and " + arc.more_pairs + " more" })); }
    return el("div", { "class": "arc-popup", "data-arc": arc.id }, [
      el("h3", { text: arc.a_label + " – " + arc.b_label }),
      el("p", { "class": "meta", text: "strength " + arc.strength + ", " + plural(arc.pairs.length + (arc.more_pairs || 0), "partnership") +
                (arc.border ? ", across a border" : "") }),
      list
    ]);
  }

  function start() {
    container.hidden = false;
    document.getElementById("map-views").hidden = false;
    var map = L.map(container, { minZoom: 1.5, maxZoom: 10, zoomSnap: 0.5, worldCopyJump: false,
                                 attributionControl: true, zoomControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Outlines: Natural Earth · Places: GeoNames (CC BY 4.0), countries: countryinfo · Leaflet");
    map.createPane("outlines").style.zIndex = 250;

    var bounds = L.latLngBounds([]);
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 36, disableClusteringAtZoom: 6,
      iconCreateFunction: function (group) {
        var n = 0;
        group.getAllChildMarkers().forEach(function (m) { n += m.options.count; });
        var places = group.getChildCount();
        var body = el("span", { "class": "ring" }, [
          el("span", { "aria-hidden": "true", text: String(n) }),
          el("span", { "class": "visually-hidden",
                       text: plural(n, "institution") + " in " + plural(places, "place") + ": press Enter to zoom in" })
        ]);
        var size = Math.round(30 + 5 * Math.log2(n));
        return L.divIcon({ className: "place-cluster", html: body, iconSize: [size, size] });
      }
    });
    config.places.forEach(function (place) {
      if (place.lat === null || place.lon === null) { return; }
      var label = place.label + (place.country_label ? ", " + place.country_label : "") + ": " +
                  plural(place.count, "institution");
      var marker = L.marker([place.lat, place.lon], { icon: placeIcon(place), title: label,
                                                      keyboard: true, count: place.count, riseOnHover: true });
      marker.bindPopup(function () { return popup(place); }, { maxWidth: 340 });
      marker.on("add", function () {
        var node = marker.getElement();
        node.setAttribute("aria-label", label);
        node.setAttribute("data-place", place.id);
      });
      marker.on("popupopen", function () { openPlace = place.id; writeHash(map); select(place.id); });
      marker.on("popupclose", function () { if (openPlace === place.id) { openPlace = null; writeHash(map); } });
      markers[place.id] = marker;
      bySlug[slugOf(place.id)] = place.id;
      bounds.extend(marker.getLatLng());
      cluster.addLayer(marker);
    });

    var arcLayer = L.layerGroup().addTo(map);
    var peak = 0;
    config.arcs.forEach(function (arc) { peak = Math.max(peak, arc.strength); });
    config.arcs.slice().reverse().forEach(function (arc) {  // the strongest drawn last, on top
      var latlngs = arc.parts.map(function (part) {
        return part.map(function (p) { return [p[1], p[0]]; });
      });
      var weight = 1.5 + 6 * Math.sqrt(arc.strength / (peak || 1));
      var line = L.polyline(latlngs, { color: arc.border ? "#c2410c" : "#1f5f8b", weight: weight,
                                       opacity: 0.55, lineCap: "round" });
      line.bindPopup(function () { return arcPopup(arc); }, { maxWidth: 380 });
      line.on("mouseover", function () { line.setStyle({ opacity: 1 }); });
      line.on("mouseout", function () { line.setStyle({ opacity: 0.55 }); });
      line.addTo(arcLayer);
      arcs[arc.id] = line;
    });
    map.addLayer(cluster);
    // a cluster opened from the keyboard: once zoomed in, Tab goes on into its markers
    cluster.on("clusterclick", function (event) {
      if (event.layer.getElement && event.layer.getElement() === document.activeElement) {
        cluster.once("animationend", function () { container.focus(); });
      }
    });

    function showArc(id) {
      var line = arcs[id];
      if (!line) { return; }
      map.fitBounds(line.getBounds(), { padding: [40, 40], maxZoom: 7 });
      var parts = line.getLatLngs();
      var first = parts[0];
      line.openPopup(first[Math.floor(first.length / 2)]);
    }
    function showPlace(iri, focus) {
      var marker = markers[iri];
      if (!marker) { return; }
      cluster.zoomToShowLayer(marker, function () {
        marker.openPopup();
        if (focus && marker.getElement()) { marker.getElement().focus(); }
      });
    }

    // The view: from the URL's fragment, else everything drawn (Central Asia when empty).
    var state = readHash();
    var view = /^([\d.]+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(state.map || "");
    if (view) {
      map.setView([parseFloat(view[2]), parseFloat(view[3])], parseFloat(view[1]));
    } else if (!bounds.isValid() || L.latLngBounds(CENTRAL_ASIA).intersects(bounds)) {
      map.fitBounds(CENTRAL_ASIA);  // the catalog's region; "The world" shows the rest
    } else {
      map.fitBounds(bounds.pad(0.15), { maxZoom: 6 });
    }
    map.on("moveend", function () { writeHash(map); });
    if (state.place && bySlug[state.place]) { showPlace(bySlug[state.place], false); }
    writeHash(map);

    // a shared link carries only the filters that are set
    document.getElementById("map-filters").addEventListener("submit", function (event) {
      event.target.querySelectorAll("input[type=number], select").forEach(function (field) {
        if (!field.value) { field.disabled = true; }
      });
    });
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("#map-filters [disabled]").forEach(function (f) { f.disabled = false; });
    });
    document.querySelectorAll("#map-views button").forEach(function (button) {
      button.addEventListener("click", function () {
        var which = button.getAttribute("data-view");
        if (which === "central-asia") { map.fitBounds(CENTRAL_ASIA); }
        else if (which === "world") { map.setView([30, 40], 1.5); }
        else if (bounds.isValid()) { map.fitBounds(bounds.pad(0.15), { maxZoom: 6 }); }
      });
    });
    document.querySelectorAll("button[data-arc]").forEach(function (button) {
      button.hidden = false;
      var label = button.nextElementSibling;
      if (label && label.classList.contains("no-js-label")) { label.hidden = true; }
      button.addEventListener("click", function () { showArc(button.getAttribute("data-arc")); });
    });
    document.querySelectorAll("button.show-on-map").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        container.scrollIntoView({ block: "nearest" });
        showPlace(button.getAttribute("data-place"), true);
      });
    });

    fetch(config.outlines).then(function (r) { return r.json(); }).then(function (world) {
      var countries = outlines(topojson.feature(world, world.objects.countries));
      L.geoJSON(countries, { pane: "outlines", interactive: false,
                             style: { color: "#8a9aa6", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 } })
        .addTo(map);
      container.setAttribute("data-outlines", String(countries.features.length));
    }).catch(function () {
      container.setAttribute("data-outlines", "0");
    });
    container.setAttribute("data-places", String(Object.keys(markers).length));
    container.setAttribute("data-arcs", String(Object.keys(arcs).length));
    window.museumkgMap = { map: map, markers: markers, arcs: arcs, cluster: cluster,
                           showPlace: showPlace, showArc: showArc };
  }

  // Natural Earth's rings that cross the antimeridian (Russia's, Fiji's) jump from 180 to -180;
  // drawn on a flat map that jump is a band across the world. Unwrap them so they run on past
  // 180 instead; Antarctica (around the pole) is left out: no institution is there.
  function unwrap(ring) {
    var shift = 0, out = [];
    ring.forEach(function (p, i) {
      if (i && Math.abs(p[0] + shift - out[i - 1][0]) > 180) { shift += out[i - 1][0] > p[0] + shift ? 360 : -360; }
      out.push([p[0] + shift, p[1]]);
    });
    return out;
  }
  function outlines(collection) {
    collection.features = collection.features.filter(function (f) { return f.id !== "010"; });
    collection.features.forEach(function (f) {
      var g = f.geometry;
      if (!g) { return; }
      if (g.type === "Polygon") { g.coordinates = g.coordinates.map(unwrap); }
      if (g.type === "MultiPolygon") { g.coordinates = g.coordinates.map(function (poly) { return poly.map(unwrap); }); }
    });
    return collection;
  }

  function select(iri) {
    document.querySelectorAll("#places-table tr.selected").forEach(function (row) { row.classList.remove("selected"); });
    var row = document.querySelector("#places-table tr[data-place='" + CSS.escape(iri) + "']");
    if (row) { row.classList.add("selected"); }
  }

  if (typeof L === "undefined" || typeof L.markerClusterGroup === "undefined" || typeof topojson === "undefined") {
    return;  // a library is missing (not installed: see `make setup`); the table stays
  }
  start();
}());
