// Progressive enhancement of map previews (issue 22): without this file, or without Leaflet,
// the page keeps its static SVG picture. With them, each .map-view becomes a pannable,
// zoomable Leaflet map: the country outline shipped with the portal as its base (or the tile
// server the portal names), the resource's bounded GeoJSON over it, a label per feature.
// No inline styles or scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  if (!window.L || !window.fetch) { return; }
  var L = window.L;

  function getJSON(url) {
    return fetch(url, { headers: { "Accept": "application/geo+json" } }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  // A feature's properties as a small definition list, built from text nodes only:
  // property values come from the agency's file and must never be read as HTML.
  function label(properties) {
    var keys = Object.keys(properties || {});
    if (!keys.length) { return null; }
    var list = document.createElement("dl");
    list.className = "map-label";
    keys = keys.filter(function (key) { return key.slice(0, 2) !== "__"; });
    if (!keys.length) { return null; }
    keys.forEach(function (key) {
      var term = document.createElement("dt");
      term.textContent = key;
      var value = document.createElement("dd");
      value.textContent = properties[key];
      list.appendChild(term);
      list.appendChild(value);
    });
    return list;
  }

  // Leaflet reads attributions as HTML; ours are plain text from the settings.
  function escaped(text) {
    var holder = document.createElement("span");
    holder.textContent = text || "";
    return holder.innerHTML;
  }

  function draw(element, data, base) {
    var picture = element.querySelector("svg");
    element.classList.add("map-live");
    if (picture) { picture.classList.add("map-fallback"); }
    var holder = document.createElement("div");
    holder.className = "map-canvas";
    holder.setAttribute("role", "region");
    holder.setAttribute("aria-label", element.getAttribute("data-label") || "");
    element.appendChild(holder);
    var map = L.map(holder, { scrollWheelZoom: false, zoomSnap: 0.25, zoomControl: false });
    map.attributionControl.setPrefix(false);
    // Leaflet's own words are English: the page gives them in its language.
    var words = function (name) { return element.getAttribute("data-" + name) || ""; };
    L.control.zoom({ zoomInTitle: words("zoom-in"), zoomOutTitle: words("zoom-out") }).addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", words("close")); }
    });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { attribution: "", maxZoom: 19 }).addTo(map);
      map.attributionControl.addAttribution(escaped(element.getAttribute("data-attribution")));
    }
    if (base) {
      L.geoJSON(base, {
        interactive: false,
        style: { color: "#8a96a3", weight: 1, fillColor: "#eef1f4", fillOpacity: tiles ? 0 : 1 }
      }).addTo(map);
      map.attributionControl.addAttribution(escaped(element.getAttribute("data-base-attribution")));
    }
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var kind = feature && feature.geometry && feature.geometry.type;
        var fill = feature && feature.properties && feature.properties.__fill;
        if (fill) {  // a unit of a choropleth, coloured by its class
          return { color: "#1b2a3a", weight: 1, fillColor: fill, fillOpacity: 0.95, radius: 8 };
        }
        if (kind === "Point" || kind === "MultiPoint") {  // circle markers take styles too
          return { color: "#b3261e", weight: 1, fillColor: "#b3261e", fillOpacity: 0.8 };
        }
        return { color: "#1f5fa8", weight: 1.5, fillColor: "#1f5fa8", fillOpacity: 0.15 };
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: "#b3261e", weight: 1,
                                        fillColor: "#b3261e", fillOpacity: 0.8 });
      },
      onEachFeature: function (feature, shown) {
        var text = label(feature.properties);
        if (text) { shown.bindPopup(text); }
      }
    }).addTo(map);
    var provinces = element.getAttribute("data-provinces");
    if (provinces) {  // today's provinces' outlines: part of the base, a layer to turn off
      var boxes = L.geoJSON(null, {
        interactive: false,
        style: { color: "#6b7785", weight: 0.8, fill: false }
      });
      var overlays = {};
      overlays[escaped(element.getAttribute("data-provinces-label"))] = boxes;
      var chooser = L.control.layers(null, overlays, { collapsed: true }).addTo(map);
      var toggle = chooser.getContainer().querySelector(".leaflet-control-layers-toggle");
      if (toggle) {
        toggle.setAttribute("aria-label", words("layers"));
        toggle.setAttribute("title", words("layers"));
      }
      map.on("overlayadd", function (event) {
        if (event.layer !== boxes || boxes.getLayers().length) { return; }
        getJSON(provinces).then(function (data) {
          boxes.addData(data);
          layer.bringToFront();  // the data above the outlines (which take no clicks)
        }).catch(function () { /* the layer stays empty */ });
      });
      // Shown from the start over the shipped base; a tile server draws its own borders.
      if (!tiles) { boxes.addTo(map); }
    }
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 14 });
    } else {
      map.setView([16, 106], 5);
    }
    if (picture) { picture.parentNode.removeChild(picture); }
  }

  Array.prototype.forEach.call(document.querySelectorAll(".map-view[data-geojson]"),
    function (element) {
      var base = element.getAttribute("data-base");
      Promise.all([
        getJSON(element.getAttribute("data-geojson")),
        base ? getJSON(base).catch(function () { return null; }) : null
      ]).then(function (loaded) {
        draw(element, loaded[0], loaded[1]);
      }).catch(function () { /* the static picture stays */ });
    });
})();
