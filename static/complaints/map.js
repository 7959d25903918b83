/* The complaints map (templates/complaints/partials/map_figure.html): an SVG in Web Mercator of the 25 district
   boundaries (complaints:boundaries), the tiles of MAP_TILE_URL when the page names one (data-tile-url), and either
   the public complaints of data-points-url or, with data-pick, a pin the citizen places (filling the form's hidden
   latitude and longitude fields, then telling htmx through a "complaints:pin" event on <body>), or the density map's
   squares of data-cells-url (GeoJSON polygons with count, baseline, level 1–5 and hotspot: coloured by level,
   hotspots outlined). A map that htmx swaps in is drawn when it arrives.

   Vanilla JavaScript, no library, no inline code (the Content-Security-Policy allows only this site's files). The
   page says everything without it: the list below the map, the address field of the form. */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var TILE = 256;
  var SEOUL = { west: 126.76, south: 37.41, east: 127.19, north: 37.72 };
  var MAX_TILES = 80;
  var MIN_WIDTH = 0.0005; // world units: about street level
  var POINT_RADIUS = 6; // screen pixels
  var DRAG_THRESHOLD = 6; // screen pixels: less is a tap

  function project(lon, lat) {
    var sin = Math.sin((lat * Math.PI) / 180);
    return [((lon + 180) / 360) * TILE, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * TILE];
  }

  function unproject(x, y) {
    var n = Math.PI - (2 * Math.PI * y) / TILE;
    return [(x / TILE) * 360 - 180, (180 / Math.PI) * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n)))];
  }

  function svgElement(name, attributes) {
    var element = document.createElementNS(SVG_NS, name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    return element;
  }

  function polygonsOf(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return [geometry.coordinates];
    if (geometry.type === "MultiPolygon") return geometry.coordinates;
    return [];
  }

  function inRing(lon, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function inPolygon(lon, lat, polygon) {
    if (!inRing(lon, lat, polygon[0])) return false;
    for (var k = 1; k < polygon.length; k++) if (inRing(lon, lat, polygon[k])) return false;
    return true;
  }

  function language() {
    return (document.documentElement.getAttribute("lang") || "ko").indexOf("en") === 0 ? "en" : "ko";
  }

  function ComplaintsMap(container) {
    this.container = container;
    this.figure = container.closest("figure") || container.parentNode;
    this.tileUrl = container.getAttribute("data-tile-url") || "";
    this.pick = container.getAttribute("data-pick") === "true";
    this.districts = [];
    this.points = [];
    this.pin = null;
    this.svg = svgElement("svg", {
      role: this.pick ? "img" : "group",
      "aria-label": container.getAttribute("data-map-label") || "",
      preserveAspectRatio: "xMidYMid meet",
    });
    this.tileLayer = svgElement("g", { "aria-hidden": "true" });
    this.districtLayer = svgElement("g", { "aria-hidden": "true" });
    // The squares are described by the tables below the map; the picture alone would repeat them.
    this.cellLayer = svgElement("g", { "aria-hidden": "true" });
    this.pointLayer = svgElement("g");
    this.pinLayer = svgElement("g", { "aria-hidden": "true" });
    [this.tileLayer, this.districtLayer, this.cellLayer, this.pointLayer, this.pinLayer].forEach(this.svg.appendChild, this.svg);
    container.appendChild(this.svg);
    var northWest = project(SEOUL.west, SEOUL.north), southEast = project(SEOUL.east, SEOUL.south);
    this.home = { x: northWest[0], y: northWest[1], w: southEast[0] - northWest[0], h: southEast[1] - northWest[1] };
    this.view = this.fitted(this.home);
    this.listen();
    this.render();
  }

  ComplaintsMap.prototype.aspect = function () {
    var width = this.container.clientWidth || 400, height = this.container.clientHeight || 300;
    return height / width;
  };

  ComplaintsMap.prototype.fitted = function (box) {
    // The smallest view of the container's shape holding the box, centred on it.
    var aspect = this.aspect();
    var w = Math.max(box.w, box.h / aspect), h = w * aspect;
    return { x: box.x + box.w / 2 - w / 2, y: box.y + box.h / 2 - h / 2, w: w, h: h };
  };

  ComplaintsMap.prototype.scale = function () {
    return (this.container.clientWidth || 400) / this.view.w;
  };

  ComplaintsMap.prototype.render = function () {
    var view = this.view;
    this.svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    this.renderTiles();
    this.renderPoints();
    this.renderPin();
  };

  ComplaintsMap.prototype.renderTiles = function () {
    if (!this.tileUrl) return;
    var layer = this.tileLayer;
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    var zoom = Math.max(0, Math.min(19, Math.round(Math.log2(this.scale()))));
    var size = TILE / Math.pow(2, zoom);
    var view = this.view, last = Math.pow(2, zoom) - 1;
    var x0 = Math.max(0, Math.floor(view.x / size)), x1 = Math.min(last, Math.floor((view.x + view.w) / size));
    var y0 = Math.max(0, Math.floor(view.y / size)), y1 = Math.min(last, Math.floor((view.y + view.h) / size));
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES) return;
    for (var x = x0; x <= x1; x++) {
      for (var y = y0; y <= y1; y++) {
        var url = this.tileUrl.replace("{z}", zoom).replace("{x}", x).replace("{y}", y).replace("{s}", "abc".charAt((x + y) % 3));
        layer.appendChild(svgElement("image", { href: url, x: x * size, y: y * size, width: size, height: size }));
      }
    }
  };

  ComplaintsMap.prototype.drawDistricts = function (collection) {
    var self = this, lang = language();
    (collection.features || []).forEach(function (feature) {
      var polygons = polygonsOf(feature.geometry);
      var d = polygons.map(function (polygon) {
        return polygon.map(function (ring) {
          return "M" + ring.map(function (point) {
            var projected = project(point[0], point[1]);
            return projected[0].toFixed(6) + "," + projected[1].toFixed(6);
          }).join("L") + "Z";
        }).join("");
      }).join("");
      var properties = feature.properties || {};
      var path = svgElement("path", { d: d, class: "complaints-map-district", "vector-effect": "non-scaling-stroke", "fill-rule": "evenodd" });
      self.districtLayer.appendChild(path);
      self.districts.push({ polygons: polygons, path: path, name: properties["name_" + lang] || properties.name_ko || "" });
    });
    this.showPicked();
  };

  ComplaintsMap.prototype.drawPoints = function (collection) {
    this.points = (collection.features || []).filter(function (feature) {
      return feature.geometry && feature.geometry.type === "Point";
    });
    this.renderPoints();
  };

  ComplaintsMap.prototype.drawCells = function (collection) {
    // In world units: zooming scales the squares with the map, so they are drawn once.
    var layer = this.cellLayer;
    var template = this.container.getAttribute("data-cell-label") || "%(count)s (%(baseline)s)";
    var hotspot = this.container.getAttribute("data-hotspot-label") || "";
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    (collection.features || []).forEach(function (feature) {
      var ring = feature.geometry && feature.geometry.type === "Polygon" ? feature.geometry.coordinates[0] : null;
      if (!ring || ring.length < 4) return;
      var properties = feature.properties || {};
      var lons = ring.map(function (point) { return point[0]; }), lats = ring.map(function (point) { return point[1]; });
      var northWest = project(Math.min.apply(null, lons), Math.max.apply(null, lats));
      var southEast = project(Math.max.apply(null, lons), Math.min.apply(null, lats));
      var level = Math.max(1, Math.min(5, parseInt(properties.level, 10) || 1));
      var square = svgElement("rect", {
        x: northWest[0], y: northWest[1], width: southEast[0] - northWest[0], height: southEast[1] - northWest[1],
        class: "complaints-map-cell level-" + level + (properties.hotspot ? " is-hotspot" : ""),
        "vector-effect": "non-scaling-stroke",
      });
      var title = svgElement("title");
      title.textContent = [properties.district || "",
        template.replace("%(count)s", properties.count).replace("%(baseline)s", properties.baseline),
        properties.hotspot ? hotspot : ""].filter(Boolean).join(" · ");
      square.appendChild(title);
      layer.appendChild(square);
    });
    // Hotspots last, so that their outline is not covered by a neighbour.
    Array.prototype.slice.call(layer.querySelectorAll(".is-hotspot")).forEach(layer.appendChild, layer);
  };

  ComplaintsMap.prototype.renderPoints = function () {
    var layer = this.pointLayer, radius = POINT_RADIUS / this.scale();
    var template = this.container.getAttribute("data-point-label") || "%(title)s (%(status)s)";
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    this.points.forEach(function (feature) {
      var properties = feature.properties || {};
      var at = project(feature.geometry.coordinates[0], feature.geometry.coordinates[1]);
      var label = template.replace("%(title)s", properties.title || "").replace("%(status)s", properties.status_label || "");
      var link = svgElement("a", { href: properties.url || "#", class: "complaints-map-link", "aria-label": label });
      var circle = svgElement("circle", {
        cx: at[0], cy: at[1], r: radius, class: "complaints-map-point is-" + (properties.group || "open"),
        "vector-effect": "non-scaling-stroke",
      });
      var title = svgElement("title");
      title.textContent = label;
      circle.appendChild(title);
      link.appendChild(circle);
      layer.appendChild(link);
    });
  };

  ComplaintsMap.prototype.renderPin = function () {
    var layer = this.pinLayer;
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    if (!this.pin) return;
    var at = project(this.pin[0], this.pin[1]), unit = 1 / this.scale();
    layer.appendChild(svgElement("path", {
      d: "M" + at[0] + "," + at[1] + " l" + -7 * unit + "," + -14 * unit + " a" + 7 * unit + "," + 7 * unit + " 0 1 1 " + 14 * unit + ",0 z",
      class: "complaints-map-pin", "vector-effect": "non-scaling-stroke",
    }));
  };

  ComplaintsMap.prototype.districtAt = function (lon, lat) {
    for (var i = 0; i < this.districts.length; i++) {
      var district = this.districts[i];
      for (var k = 0; k < district.polygons.length; k++) if (inPolygon(lon, lat, district.polygons[k])) return district;
    }
    return null;
  };

  ComplaintsMap.prototype.input = function (name) {
    return document.getElementById(this.container.getAttribute(name));
  };

  ComplaintsMap.prototype.showPicked = function () {
    if (!this.pick) return;
    var output = this.figure.querySelector("[data-map-district]");
    var district = this.pin ? this.districtAt(this.pin[0], this.pin[1]) : null;
    this.districts.forEach(function (item) {
      item.path.classList.toggle("is-picked", item === district);
    });
    if (!output) return;
    output.classList.toggle("complaints-map-message", Boolean(this.pin && !district && this.districts.length));
    if (!this.pin || !this.districts.length) output.textContent = "";
    else if (district) output.textContent = (this.container.getAttribute("data-district-label") || "%(district)s").replace("%(district)s", district.name);
    else output.textContent = this.container.getAttribute("data-outside-label") || "";
  };

  ComplaintsMap.prototype.placePin = function (lon, lat, announce) {
    this.pin = lon === null ? null : [lon, lat];
    var latitude = this.input("data-latitude-input"), longitude = this.input("data-longitude-input");
    if (latitude && longitude) {
      latitude.value = this.pin ? lat.toFixed(6) : "";
      longitude.value = this.pin ? lon.toFixed(6) : "";
    }
    this.renderPin();
    this.showPicked();
    if (announce) document.body.dispatchEvent(new CustomEvent("complaints:pin", { bubbles: true }));
  };

  ComplaintsMap.prototype.worldAt = function (clientX, clientY) {
    var point = this.svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    var matrix = this.svg.getScreenCTM();
    if (!matrix) return null;
    var world = point.matrixTransform(matrix.inverse());
    return [world.x, world.y];
  };

  ComplaintsMap.prototype.zoom = function (factor) {
    var view = this.view, w = view.w * factor;
    if (w < MIN_WIDTH || w > this.home.w * 4) return;
    var cx = view.x + view.w / 2, cy = view.y + view.h / 2, h = view.h * factor;
    this.view = { x: cx - w / 2, y: cy - h / 2, w: w, h: h };
    this.render();
  };

  ComplaintsMap.prototype.listen = function () {
    var self = this, drag = null;
    this.figure.querySelectorAll("[data-map-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-map-zoom");
        if (how === "in") self.zoom(0.5);
        else if (how === "out") self.zoom(2);
        else {
          self.view = self.fitted(self.home);
          self.render();
        }
      });
    });
    var clear = this.figure.querySelector("[data-map-clear]");
    if (clear) clear.addEventListener("click", function () { self.placePin(null, null, true); });
    this.svg.addEventListener("pointerdown", function (event) {
      drag = { x: event.clientX, y: event.clientY, view: self.view, moved: false, id: event.pointerId };
    });
    this.svg.addEventListener("pointermove", function (event) {
      if (!drag || drag.id !== event.pointerId) return;
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < DRAG_THRESHOLD) return;
      if (!drag.moved) self.svg.setPointerCapture(event.pointerId);
      drag.moved = true;
      var scale = self.scale();
      self.view = { x: drag.view.x - dx / scale, y: drag.view.y - dy / scale, w: drag.view.w, h: drag.view.h };
      self.svg.setAttribute("viewBox", [self.view.x, self.view.y, self.view.w, self.view.h].join(" "));
    });
    this.svg.addEventListener("pointerup", function (event) {
      if (!drag || drag.id !== event.pointerId) return;
      var moved = drag.moved;
      drag = null;
      if (moved) {
        self.render();
        return;
      }
      if (!self.pick) return;
      var world = self.worldAt(event.clientX, event.clientY);
      if (!world) return;
      var lonLat = unproject(world[0], world[1]);
      self.placePin(lonLat[0], lonLat[1], true);
    });
    this.svg.addEventListener("pointercancel", function () { drag = null; });
    window.addEventListener("resize", function () {
      self.view = self.fitted(self.view);
      self.render();
    });
  };

  ComplaintsMap.prototype.restorePin = function () {
    var latitude = this.input("data-latitude-input"), longitude = this.input("data-longitude-input");
    var lat = latitude ? parseFloat(latitude.value) : NaN, lon = longitude ? parseFloat(longitude.value) : NaN;
    if (!isNaN(lat) && !isNaN(lon)) this.placePin(lon, lat, false);
  };

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
  }

  function start(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var containers = Array.prototype.slice.call(scope.querySelectorAll(".complaints-map-canvas"));
    if (scope.matches && scope.matches(".complaints-map-canvas")) containers.push(scope);
    containers.forEach(function (container) {
      if (container.hasAttribute("data-map-ready")) return;
      container.setAttribute("data-map-ready", "true");
      var map = new ComplaintsMap(container);
      if (map.pick) map.restorePin();
      load(container.getAttribute("data-boundaries-url")).then(function (collection) {
        map.drawDistricts(collection);
      }).catch(function () { /* the map stays without boundaries; the page works without it */ });
      var points = container.getAttribute("data-points-url");
      if (points) load(points).then(function (collection) { map.drawPoints(collection); }).catch(function () {});
      var cells = container.getAttribute("data-cells-url");
      if (cells) load(cells).then(function (collection) { map.drawCells(collection); }).catch(function () {});
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { start(); });
  else start();
  // htmx swaps in new content (the density map's results): draw the maps it brought.
  document.addEventListener("htmx:load", function (event) { start(event.detail && event.detail.elt); });
})();
