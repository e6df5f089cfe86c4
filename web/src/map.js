/**
 * The map: the routes over the scenario's own streets (`GET /v1/scenario/roads`, no tile
 * server needed), numbered stops in visit order, the depots and the unserved stops that
 * have a place; optional OpenStreetMap tiles under `[lon, lat]` maps.
 *
 * Why Leaflet: see the header of app.js.
 */
import * as L from "leaflet";
import { $, h, clock } from "./dom.js";

const TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const OSM_ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

let map = null;
let routeLayers = [];
/** The scenario's roads, fetched once: the GeoJSON or null. */
let roadsOnce = null;

function scenarioRoads() {
  if (!roadsOnce) {
    roadsOnce = fetch("/v1/scenario/roads", { headers: { accept: "application/geo+json" } })
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
  }
  return roadsOnce;
}

/**
 * The base map: the loaded scenario's own streets, drawn under the routes. A server
 * without a scenario (422) or whose scenario has no roads (404): no base map.
 */
function drawRoads(target) {
  scenarioRoads().then((roads) => {
    if (!roads || map !== target) return;
    const layer = L.geoJSON(roads, {
      interactive: false,
      style: { color: "#9aa0a6", weight: 1.2, opacity: 0.9, className: "road-base" },
    }).addTo(target);
    layer.bringToBack();
    target.getContainer().dataset.roads = "drawn";
  });
}

function marker(at, className, text, colour, tip) {
  const el = h("span", {}, text);
  if (colour) el.style.backgroundColor = colour;
  const icon = L.divIcon({ className, html: el, iconSize: [22, 22], iconAnchor: [11, 11] });
  return L.marker(at, { icon, keyboard: false }).bindTooltip(h("span", {}, tip));
}

/** Draws `view` on a new map; a click on a route or a stop calls `onSelect(i)`. */
export function drawMap(view, tiles, onSelect) {
  if (map) map.remove();
  map = null;
  routeLayers = [];
  const note = $("map-note");
  note.hidden = true;
  const anywhere = [
    ...view.depots.map((d) => d.at),
    ...view.routes.flatMap((r) => [...r.line, ...r.stops.map((s) => s.at)]),
    ...view.unserved.map((u) => u.at),
  ].filter(Boolean);
  if (anywhere.length === 0) {
    note.textContent = "This problem has no coordinates (a matrix problem): no map to draw.";
    note.hidden = false;
    return;
  }
  const options = view.geo
    ? { zoomSnap: 0.25 }
    : { crs: L.CRS.Simple, minZoom: -20, maxZoom: 20, zoomSnap: 0.25 };
  map = L.map("map", options);
  if (view.geo) {
    map.attributionControl.addAttribution(OSM_ATTRIBUTION);
    drawRoads(map);
    if (tiles) {
      let warned = false;
      L.tileLayer(TILE_URL, { maxZoom: 19 })
        .on("tileerror", () => {
          if (warned) return;
          warned = true;
          note.textContent = "Map tiles could not be loaded: the routes are drawn without a base map.";
          note.hidden = false;
        })
        .addTo(map);
    }
  }
  view.routes.forEach((r, i) => {
    const group = L.featureGroup();
    if (r.line.length >= 2) {
      L.polyline(r.line, { color: r.colour, weight: 4, opacity: 0.85, className: "route-line" })
        .on("click", () => onSelect(i))
        .addTo(group);
    }
    r.stops.forEach((s, k) => {
      if (!s.at) return;
      const tip = `${r.label}, stop ${k + 1}: ${s.id}, arrival ${clock(s.arrival)}`;
      marker(s.at, "stop-marker", String(k + 1), r.colour, tip)
        .on("click", () => onSelect(i))
        .addTo(group);
    });
    group.addTo(map);
    routeLayers.push(group);
  });
  for (const d of view.depots) {
    if (d.at) marker(d.at, "depot-marker", "D", null, `depot ${d.id}`).addTo(map);
  }
  for (const u of view.unserved) {
    if (u.at) marker(u.at, "unserved-marker", "×", null, `${u.id}: unserved (${u.reason})`).addTo(map);
  }
  // The routes and depots fill the map; an unserved stop far away (at sea, off the roads)
  // may lie outside it, it is listed beside the map anyway.
  const served = [
    ...view.depots.map((d) => d.at),
    ...view.routes.flatMap((r) => [...r.line, ...r.stops.map((s) => s.at)]),
  ].filter(Boolean);
  const bounds = L.latLngBounds(served.length > 0 ? served : anywhere);
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: view.geo ? 17 : 20 });
}

/** Brings route `i` forward on the map and fades the others. */
export function highlight(i) {
  routeLayers.forEach((g, k) => {
    g.eachLayer((l) => {
      if (l instanceof L.Polyline) l.setStyle({ weight: k === i ? 7 : 4, opacity: k === i ? 1 : 0.35 });
    });
    if (k === i) g.bringToFront();
  });
}

/** Leaflet measures its box when made: a map whose box changed size must be told. */
export function resized() {
  if (map) map.invalidateSize();
}
