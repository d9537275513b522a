/* The small map of an entity page (templates/_small_map.html): Natural Earth's outlines from
 * /vendor/ and one marker. No tiles, nothing from another host. */
(function () {
  "use strict";
  var node = document.getElementById("small-map");
  var source = document.getElementById("small-map-data");
  if (!node || !source || typeof L === "undefined" || typeof topojson === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  node.hidden = false;
  var zoom = data.kind === "country" ? 4 : 5;
  var map = L.map(node, { zoomControl: true, scrollWheelZoom: false, keyboard: true,
                          attributionControl: true }).setView([data.lat, data.lon], zoom);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · GeoNames (CC BY 4.0) · countryinfo");
  map.createPane("outlines").style.zIndex = 250;
  L.circleMarker([data.lat, data.lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#c2410c",
                                         fillOpacity: 1, interactive: false }).addTo(map);
  fetch(data.outlines).then(function (r) { return r.json(); }).then(function (world) {
    L.geoJSON(topojson.feature(world, world.objects.countries), {
      pane: "outlines", interactive: false,
      style: { color: "#8a9aa6", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 }
    }).addTo(map);
    node.setAttribute("data-outlines", "1");
  });
}());
