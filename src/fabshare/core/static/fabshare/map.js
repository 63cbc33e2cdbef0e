/* Draws organizations on a Leaflet map. Works without tiles: when no tile URL is configured,
   or when tiles fail to load, the markers stay on a plain background and the list beside the
   map stays the complete source. Data comes from a JSON script element. */
(function () {
  "use strict";
  function init(el) {
    if (!window.L || el.dataset.ready) { return; }
    el.dataset.ready = "1";
    var points = JSON.parse(document.getElementById(el.dataset.points).textContent);
    var map = L.map(el, { scrollWheelZoom: false, keyboard: true });
    var tiles = el.dataset.tiles;
    var note = document.getElementById(el.dataset.note);
    if (tiles) {
      var layer = L.tileLayer(tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" });
      var failed = 0;
      layer.on("tileerror", function () {
        failed += 1;
        if (failed === 3 && note) { note.hidden = false; }
      });
      layer.addTo(map);
    } else if (note) {
      note.hidden = false;
    }
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.marker([p.lat, p.lon], { title: p.name, alt: p.name }).addTo(map);
      var popup = document.createElement("div");
      var link = document.createElement(p.url ? "a" : "strong");
      if (p.url) { link.href = p.url; }
      link.textContent = p.name;
      popup.appendChild(link);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(p.city || ""));
      marker.bindPopup(popup);
      bounds.push([p.lat, p.lon]);
    });
    // A marker's pin rises 41 px above its point: leave more room at the top than below.
    if (bounds.length) {
      map.fitBounds(bounds, { paddingTopLeft: [30, 55], paddingBottomRight: [30, 20], maxZoom: 12 });
    }
    else { map.setView([51.0, 4.5], 7); }
    el.setAttribute("data-markers", String(bounds.length));
  }
  function initAll() { document.querySelectorAll("[data-fs-map]").forEach(init); }
  document.addEventListener("DOMContentLoaded", initAll);
  document.addEventListener("htmx:afterSwap", initAll);
})();
