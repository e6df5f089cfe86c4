#!/usr/bin/env python3
"""Build the example scenario `data/scenarios/monaco/` from the shared real data.

Inputs (read only, paths relative to the repository root):
  ../shared/data/demand/online_retail_customer_daily.csv   UCI Online Retail, per customer and day
  ../shared/data/demand/sku_catalog.csv                     descriptions and median unit prices
  ../shared/data/demand/calendar.csv                        the calendar of the history period
  ../shared/data/osm/monaco.osm.pbf                         OpenStreetMap extract (ODbL)

Outputs: data/scenarios/monaco/{scenario.toml, zones.csv, skus.csv, demand.csv, orders.csv,
roads.osm.pbf}, in the folder format of the scenario loader. Every rule is documented in
data/README.md. The output is a pure function of the inputs: no wall clock, no unseeded
randomness (all "random" choices are SHA-256 hashes of a fixed salt and the item's id),
sorted iteration everywhere, fixed number formatting.

Run from the repository root:
    python3 scripts/make_monaco_scenario.py
"""

from __future__ import annotations

import bisect
import collections
import csv
import hashlib
import itertools
import math
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import osmium
import shapely
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import linemerge, unary_union

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_scenario  # noqa: E402  (sibling script)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / ".." / "shared" / "data"
DEMAND_CSV = SHARED / "demand" / "online_retail_customer_daily.csv"
CATALOG_CSV = SHARED / "demand" / "sku_catalog.csv"
CALENDAR_CSV = SHARED / "demand" / "calendar.csv"
OSM_PBF = SHARED / "osm" / "monaco.osm.pbf"
OUT = ROOT / "data" / "scenarios" / "monaco"

# Salt of every hash-based choice. Changing it reshuffles customers, order stops and windows.
SALT = "stockroute-monaco-v1"

# ---- zones -----------------------------------------------------------------------------------
# The extract's bounding box (from its PBF header).
BOX_LON = (7.349, 7.491)
BOX_LAT = (43.71, 43.77)
# Grid cells of 0.008 deg lon x 0.0055 deg lat: about 643 m x 612 m at 43.74 N.
CELL_DLON = 0.008
CELL_DLAT = 0.0055
# A cell becomes a delivery zone when it holds at least this many routable road nodes.
MIN_ROAD_NODES = 150
# Ways a van may use: the same car network as the routing engine (motorway .. service).
DRIVABLE = frozenset(
    """motorway motorway_link trunk trunk_link primary primary_link secondary secondary_link
    tertiary tertiary_link unclassified residential living_street service""".split()
)
# Fallback postal codes (La Poste) by INSEE commune code, used only where no OSM object inside
# the commune carries an addr:postcode. Monaco (no INSEE code) is keyed by its name.
FALLBACK_POSTCODE = {
    "06012": "06240",  # Beausoleil
    "06032": "06320",  # Cap-d'Ail
    "06054": "06340",  # Drap
    "06059": "06360",  # Èze
    "06083": "06500",  # Menton
    "06091": "06440",  # Peille
    "06092": "06440",  # Peillon
    "06104": "06190",  # Roquebrune-Cap-Martin
    "06149": "06340",  # La Trinité
    "06150": "06320",  # La Turbie
    "Monaco": "98000",
}

# ---- demand ----------------------------------------------------------------------------------
N_SKUS = 175  # keep the SKUs with the most units over the whole history
EUR_PER_GBP = 1.1522  # 1 / 0.86788, the ECB's 2011 average EUR/GBP reference rate
# Per-unit volume (m3) and weight (kg) from the description: first matching pattern wins.
SIZE_RULES: list[tuple[str, float, float]] = [
    (r"CAKESTAND", 0.0120, 1.60),
    (r"COAT RACK", 0.0040, 0.80),
    (r"CHALKBOARD|BLACK ?BOARD", 0.0040, 0.80),
    (r"FRAME", 0.0030, 0.50),
    (r"CLOCK", 0.0020, 0.40),
    (r"LANTERN", 0.0030, 0.30),
    (r"JUMBO|SHOPPER|STORAGE BAG", 0.0012, 0.12),
    (r"LUNCH BAG|RECYCLING BAG", 0.0010, 0.10),
    (r"CHARLOTTE BAG", 0.0006, 0.06),
    (r"LUNCH BOX|SNACK BOX|RECIPE BOX", 0.0025, 0.25),
    (r"PLASTERS|LIP GLOSS|BALM", 0.0002, 0.05),
    (r"CAKE TINS?|SPICE TINS|\bTIN\b", 0.0020, 0.35),
    (r"TEACUP|MUG|BEAKER", 0.0012, 0.30),
    (r"PLATE|BOWL", 0.0010, 0.30),
    (r"T-LIGHT|CANDLE", 0.0008, 0.20),
    (r"\bSIGN\b", 0.0012, 0.30),
    (r"LIGHTS?\b", 0.0012, 0.20),
    (r"CASES|DOILIES|NAPKINS|TISSUES", 0.0004, 0.05),
    (r"WRAP|\bCARDS?\b|TAGS", 0.0002, 0.03),
    (r"\bPENS?\b|PENCILS?|CRAYONS|CHALK", 0.0001, 0.02),
    (r"BUNTING|PAPER CHAIN", 0.0008, 0.10),
    (r"GLASS|CERAMIC|ZINC", 0.0008, 0.25),
    (r"WOOD", 0.0015, 0.30),
]
DEFAULT_SIZE = (0.0008, 0.15)

# ---- orders ----------------------------------------------------------------------------------
TW_SHARE = 0.40  # share of orders with a time window
TW_FIRST_START_HOUR = 8  # windows are [h, h+2) for a whole hour h in 08..16
TW_LAST_START_HOUR = 16
TW_LENGTH_HOURS = 2

# ---- invented network (see data/README.md) ---------------------------------------------------
SCENARIO_HEAD = """\
# Generated by scripts/make_monaco_scenario.py - do not edit by hand (see data/README.md).
# Demand: UCI Online Retail (CC BY 4.0). Roads: (c) OpenStreetMap contributors, ODbL 1.0.
# Centres, stations, fleets and costs are invented but sized for this demand.
name = "monaco"
currency = "EUR"
period = "day"
horizon_periods = 28
roads = "roads.osm.pbf"

[costs]
lost_sale_per_unit = 4.0
late_per_unit = 0.25
promise_distance_km = 25.0
transport_per_unit_km = 0.003
"""


@dataclass(frozen=True)
class Centre:
    id: str
    name: str
    lat: float
    lon: float
    storage_m3: float
    outbound_units_per_period: float
    holding_cost_per_unit_period: float


@dataclass(frozen=True)
class VehicleType:
    id: str
    count: int
    capacity_kg: float
    capacity_m3: float
    shift_start: str
    shift_end: str
    cost_per_km: float
    cost_per_hour: float
    fixed_cost: float
    profile: str = "van"  # which roads it may use, at which speeds (stockroute's VehicleProfile)


# Every driver's lunch: 30 minutes starting between 12:00 and 14:00.
LUNCH = '{ id = "lunch", earliest = "12:00", latest = "14:00", minutes = 30 }'


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    lat: float  # nominal position; snapped to the nearest routable road node when written
    lon: float
    centre: str
    vehicle_types: tuple[VehicleType, ...]


CENTRES = (
    Centre("FC-CARROS", "Carros (Nice) fulfilment centre", 43.7869, 7.1839, 90.0, 9000.0, 0.0012),
    Centre("FC-VENTIMIGLIA", "Ventimiglia (Roja valley) cross-border centre",
           43.8000, 7.6050, 35.0, 4000.0, 0.0015),
    Centre("FC-MOUGINS", "Mougins (Cannes) regional centre", 43.6130, 7.0050, 160.0, 12000.0, 0.0008),
)
VAN = VehicleType("van", 2, 800.0, 7.0, "07:30", "18:30", 0.32, 26.0, 45.0)
EBIKE = VehicleType("ecargo_bike", 3, 150.0, 1.0, "08:00", "17:00", 0.04, 20.0, 12.0, "bicycle")
SMALL_VAN = VehicleType("compact_van", 1, 750.0, 6.0, "07:30", "18:30", 0.30, 26.0, 45.0)
STATIONS = (
    Station("DS-FONTVIEILLE", "Fontvieille delivery station", 43.7285, 7.4155, "FC-CARROS",
            (VAN, EBIKE)),
    Station("DS-ROQUEBRUNE", "Roquebrune-Cap-Martin delivery station", 43.7575, 7.4700,
            "FC-VENTIMIGLIA", (SMALL_VAN,)),
)


def unit_hash(*parts: str) -> float:
    """A deterministic number in [0, 1) from the salt and the given parts."""
    digest = hashlib.sha256("|".join((SALT, *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def in_box(lon: float, lat: float) -> bool:
    return BOX_LON[0] <= lon < BOX_LON[1] and BOX_LAT[0] <= lat < BOX_LAT[1]


def fmt(x: float, digits: int) -> str:
    """Fixed-point without trailing zeros ("0.0012", "45", "2.3966")."""
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# ---- OSM ---------------------------------------------------------------------------------------


class RoadReader(osmium.SimpleHandler):
    """Drivable ways (as directed edges), admin boundaries and addr:postcode objects."""

    def __init__(self) -> None:
        super().__init__()
        self.loc: dict[int, tuple[float, float]] = {}
        self.graph = nx.DiGraph()
        self.postcodes: list[tuple[float, float, str]] = []
        self.way_lines: dict[int, list[tuple[float, float]]] = {}
        self.wanted_ways: set[int] = set()

    def node(self, n) -> None:
        pc = n.tags.get("addr:postcode")
        if pc:
            self.postcodes.append((n.location.lon, n.location.lat, pc))

    def way(self, w) -> None:
        pts = [(n.lon, n.lat) for n in w.nodes if n.location.valid()]
        pc = w.tags.get("addr:postcode")
        if pc and pts:
            self.postcodes.append((sum(p[0] for p in pts) / len(pts),
                                   sum(p[1] for p in pts) / len(pts), pc))
        if w.id in self.wanted_ways:
            self.way_lines[w.id] = pts
        if w.tags.get("highway") not in DRIVABLE:
            return
        oneway = w.tags.get("oneway")
        implied = w.tags.get("junction") in ("roundabout", "circular") or w.tags["highway"] in (
            "motorway", "motorway_link")
        forward_only = oneway in ("yes", "true", "1") or (oneway is None and implied)
        ids: list[int | None] = []
        for n in w.nodes:
            if n.location.valid():
                self.loc[n.ref] = (n.lon, n.lat)
                ids.append(n.ref)
            else:
                ids.append(None)
        for a, b in zip(ids, ids[1:]):
            if a is None or b is None or a == b:
                continue
            if forward_only:
                self.graph.add_edge(a, b)
            elif oneway == "-1":
                self.graph.add_edge(b, a)
            else:
                self.graph.add_edge(a, b)
                self.graph.add_edge(b, a)


class BoundaryRels(osmium.SimpleHandler):
    """Commune boundary relations (admin_level 8) and their member ways."""

    def __init__(self) -> None:
        super().__init__()
        self.rels: dict[int, tuple[str, str, list[int]]] = {}

    def relation(self, r) -> None:
        t = r.tags
        if t.get("boundary") == "administrative" and t.get("admin_level") == "8":
            key = t.get("ref:INSEE") or t.get("name", "")
            members = [m.ref for m in r.members if m.type == "w"]
            self.rels[r.id] = (t.get("name", ""), key, members)


@dataclass
class Commune:
    name: str
    key: str  # INSEE code, or the name for Monaco
    polygon: shapely.Geometry
    complete: bool  # True if the boundary is closed inside the extract


def commune_polygons(rels: dict[int, tuple[str, str, list[int]]],
                     lines: dict[int, list[tuple[float, float]]]) -> list[Commune]:
    """Commune polygons clipped to the box.

    Communes whose boundary lies wholly in the extract are closed rings. For the others the
    extract holds an open chain (the ways outside the box are missing); it is closed with a
    straight segment between its two loose ends, which lie near the box edge.
    """
    frame = box(BOX_LON[0], BOX_LAT[0], BOX_LON[1], BOX_LAT[1])
    out: list[Commune] = []
    for rid in sorted(rels):
        name, key, members = rels[rid]
        segs = [LineString(lines[w]) for w in members if w in lines and len(lines[w]) >= 2]
        if not segs:
            continue
        merged = linemerge(unary_union(segs))
        parts = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
        rings = [p for p in parts if p.is_ring]
        chains = [p for p in parts if not p.is_ring]
        polys = [Polygon(r.coords) for r in rings]
        complete = not chains
        if len(chains) == 1:
            coords = list(chains[0].coords)
            polys.append(Polygon(coords + [coords[0]]))
        elif chains:
            print(f"  commune {name}: {len(chains)} open chains, skipped", file=sys.stderr)
            continue
        poly = unary_union([shapely.make_valid(p) for p in polys]).intersection(frame)
        if not poly.is_empty:
            out.append(Commune(name, key, poly, complete))
    # Exact polygons first, so they win where a reconstructed one overlaps them.
    out.sort(key=lambda c: (not c.complete, c.polygon.area, c.key))
    return out


def commune_of(communes: list[Commune], lon: float, lat: float) -> Commune:
    p = Point(lon, lat)
    for c in communes:
        if c.polygon.contains(p):
            return c
    return min(communes, key=lambda c: (c.polygon.distance(p), c.key))


def commune_postcodes(communes: list[Commune],
                      tagged: list[tuple[float, float, str]]) -> dict[str, tuple[str, str]]:
    """Postal code per commune key: the most common addr:postcode of OSM objects inside it
    (5-digit codes only; ties -> smallest code), else the fallback table."""
    votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for lon, lat, pc in tagged:
        if not re.fullmatch(r"\d{5}", pc) or not in_box(lon, lat):
            continue
        votes[commune_of(communes, lon, lat).key][pc] += 1
    out = {}
    for c in communes:
        v = votes.get(c.key)
        if v:
            best = max(v.items(), key=lambda kv: (kv[1], -int(kv[0])))[0]
            out[c.key] = (best, f"OSM addr:postcode ({v[best]} of {sum(v.values())} objects)")
        else:
            out[c.key] = (FALLBACK_POSTCODE[c.key], "fallback table")
    return out


@dataclass
class Zone:
    zone: str
    lat: float
    lon: float
    wkt: str
    nodes: list[int]  # routable road nodes in the cell, sorted by OSM id
    commune: str


def build_zones(reader: RoadReader, communes: list[Commune],
                postcodes: dict[str, tuple[str, str]]) -> tuple[list[Zone], list[int]]:
    scc = sorted(max(nx.strongly_connected_components(reader.graph), key=lambda s: (len(s), min(s))))
    routable = [n for n in scc if in_box(*reader.loc[n])]
    cells: dict[tuple[int, int], list[int]] = collections.defaultdict(list)
    for n in routable:
        lon, lat = reader.loc[n]
        col = int((lon - BOX_LON[0]) / CELL_DLON)
        row = int((lat - BOX_LAT[0]) / CELL_DLAT)
        cells[(row, col)].append(n)
    kept = sorted(k for k, v in cells.items() if len(v) >= MIN_ROAD_NODES)
    by_postcode: dict[str, int] = collections.Counter()
    zones = []
    for row, col in kept:  # south to north, west to east
        nodes = sorted(cells[(row, col)])
        votes = collections.Counter(commune_of(communes, *reader.loc[n]).key for n in nodes)
        key = max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
        pc = postcodes[key][0]
        by_postcode[pc] += 1
        mlon = sum(reader.loc[n][0] for n in nodes) / len(nodes)
        mlat = sum(reader.loc[n][1] for n in nodes) / len(nodes)
        # The centroid is the cell's road node nearest to the mean of its road nodes.
        snap = min(nodes, key=lambda n: ((reader.loc[n][0] - mlon) * math.cos(math.radians(mlat))) ** 2
                   + (reader.loc[n][1] - mlat) ** 2)
        x0 = BOX_LON[0] + col * CELL_DLON
        y0 = BOX_LAT[0] + row * CELL_DLAT
        x1, y1 = x0 + CELL_DLON, y0 + CELL_DLAT
        c = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        wkt = "POLYGON((" + ", ".join(f"{fmt(x, 6)} {fmt(y, 6)}" for x, y in c) + "))"
        name = next(cm.name for cm in communes if cm.key == key)
        zones.append(Zone(f"{pc}-{by_postcode[pc]:02d}", reader.loc[snap][1], reader.loc[snap][0],
                          wkt, nodes, name))
    zones.sort(key=lambda z: z.zone)
    return zones, routable


# ---- demand ------------------------------------------------------------------------------------


def size_of(description: str) -> tuple[float, float]:
    for pattern, vol, kg in SIZE_RULES:
        if re.search(pattern, description):
            return vol, kg
    return DEFAULT_SIZE


def assign_zone(customer: str, zones: list[Zone], cum: list[int]) -> Zone:
    """Customer -> zone with probability proportional to the zone's road-node count."""
    u = unit_hash("customer-zone", customer) * cum[-1]
    return zones[bisect.bisect_right(cum, u)]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)

    # OSM: boundaries first (to know which ways to keep), then everything else in one pass.
    rels = BoundaryRels()
    rels.apply_file(str(OSM_PBF))
    reader = RoadReader()
    reader.wanted_ways = {w for _, _, m in rels.rels.values() for w in m}
    reader.apply_file(str(OSM_PBF), locations=True)
    communes = commune_polygons(rels.rels, reader.way_lines)
    postcodes = commune_postcodes(communes, reader.postcodes)
    zones, routable = build_zones(reader, communes, postcodes)
    print(f"OSM: {len(reader.loc)} drivable nodes, {len(routable)} in the largest strongly "
          f"connected component; {len(communes)} communes")
    for c in communes:
        pc, how = postcodes[c.key]
        print(f"  {c.name:<24} {pc} ({how}){'' if c.complete else ' [boundary closed by a chord]'}")

    with open(OUT / "zones.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["zone", "lat", "lon", "polygon_wkt"])
        for z in zones:
            w.writerow([z.zone, fmt(z.lat, 7), fmt(z.lon, 7), z.wkt])

    # Demand: SKU selection by total units.
    with open(DEMAND_CSV, newline="") as f:
        lines = [(r["date"], r["sku"], r["customer"], int(r["quantity"])) for r in csv.DictReader(f)]
    units = collections.Counter()
    for _, sku, _, q in lines:
        units[sku] += q
    ranked = sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))
    skus = sorted(s for s, _ in ranked[:N_SKUS])
    sku_set = set(skus)

    with open(CATALOG_CSV, newline="") as f:
        catalog = {r["sku"]: r for r in csv.DictReader(f)}
    with open(OUT / "skus.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sku", "volume_m3", "weight_kg", "value"])
        for s in skus:
            vol, kg = size_of(catalog[s]["description"])
            value = float(catalog[s]["median_unit_price_gbp"]) * EUR_PER_GBP
            w.writerow([s, fmt(vol, 6), fmt(kg, 4), fmt(value, 4)])

    cum = list(itertools.accumulate(len(z.nodes) for z in zones))
    customers = sorted({c for _, _, c, _ in lines})
    zone_of = {c: assign_zone(c, zones, cum) for c in customers}

    agg: dict[tuple[str, str, str], int] = collections.Counter()
    for date, sku, cust, q in lines:
        if sku in sku_set:
            agg[(date, sku, zone_of[cust].zone)] += q
    with open(OUT / "demand.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "sku", "zone", "quantity"])
        for (date, sku, zone), q in sorted(agg.items()):
            w.writerow([date, sku, zone, q])

    per_zone = collections.Counter(z.zone for z in zone_of.values())
    print(f"customers {len(customers)} -> {len(per_zone)} zones "
          f"({min(per_zone.values())}..{max(per_zone.values())} customers per zone); "
          f"SKUs kept {len(skus)} of {len(units)}, {sum(units[s] for s in skus)} of "
          f"{sum(units.values())} units")
    rule_hits = collections.Counter(
        next((pat for pat, _, _ in SIZE_RULES if re.search(pat, catalog[s]["description"])), "default")
        for s in skus)
    print("size rules used: " + ", ".join(f"{k} {v}" for k, v in sorted(rule_hits.items())))

    # Orders: the last history date, one order per customer, selected SKUs only.
    order_day = max(d for d, _, _, _ in lines)
    with open(CALENDAR_CSV, newline="") as f:
        trading = {r["date"]: r["trading_day"] == "1" for r in csv.DictReader(f)}
    if not trading.get(order_day):
        raise SystemExit(f"order day {order_day} is not a trading day in {CALENDAR_CSV}")
    day_all = {c for d, _, c, _ in lines if d == order_day}
    day_lines: dict[str, dict[str, int]] = collections.defaultdict(collections.Counter)
    for date, sku, cust, q in lines:
        if date == order_day and sku in sku_set:
            day_lines[cust][sku] += q
    with open(OUT / "orders.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["order", "zone", "lat", "lon", "sku", "quantity", "tw_start", "tw_end"])
        for cust in sorted(day_lines):
            zone = zone_of[cust]
            node = zone.nodes[int(unit_hash("order-node", cust) * len(zone.nodes))]
            lon, lat = reader.loc[node]
            tw = ("", "")
            if unit_hash("order-window", cust) < TW_SHARE:
                n_starts = TW_LAST_START_HOUR - TW_FIRST_START_HOUR + 1
                h = TW_FIRST_START_HOUR + int(unit_hash("order-window-start", cust) * n_starts)
                tw = (f"{h:02d}:00", f"{h + TW_LENGTH_HOURS:02d}:00")
            order_id = f"{order_day.replace('-', '')}-{cust}"
            for sku in sorted(day_lines[cust]):
                w.writerow([order_id, zone.zone, fmt(lat, 7), fmt(lon, 7), sku,
                            day_lines[cust][sku], *tw])

    # Scenario file; stations snap to the nearest routable road node.
    def nearest_node(lat: float, lon: float) -> tuple[float, float]:
        k = math.cos(math.radians(lat))
        n = min(routable, key=lambda n: (((reader.loc[n][0] - lon) * k) ** 2
                                         + (reader.loc[n][1] - lat) ** 2, n))
        return reader.loc[n][1], reader.loc[n][0]

    parts = [SCENARIO_HEAD]
    for c in CENTRES:
        parts.append(f"""
[[centres]]
id = "{c.id}"
name = "{c.name}"
lat = {c.lat:.4f}
lon = {c.lon:.4f}
storage_m3 = {c.storage_m3:.1f}
outbound_units_per_period = {c.outbound_units_per_period:.1f}
holding_cost_per_unit_period = {c.holding_cost_per_unit_period}
""")
    for s in STATIONS:
        lat, lon = nearest_node(s.lat, s.lon)
        parts.append(f"""
[[stations]]
id = "{s.id}"
name = "{s.name}"
lat = {lat:.7f}
lon = {lon:.7f}
centre = "{s.centre}"
""")
        for v in s.vehicle_types:
            parts.append(f"""
[[stations.vehicle_types]]
id = "{v.id}"
count = {v.count}
capacity_kg = {v.capacity_kg:.1f}
capacity_m3 = {v.capacity_m3:.1f}
shift_start = "{v.shift_start}"
shift_end = "{v.shift_end}"
cost_per_km = {v.cost_per_km:.2f}
cost_per_hour = {v.cost_per_hour:.1f}
fixed_cost = {v.fixed_cost:.1f}
breaks = [{LUNCH}]
""" + (f'profile = "{v.profile}"\n' if v.profile != "van" else ""))
    (OUT / "scenario.toml").write_text("".join(parts))
    shutil.copyfile(OSM_PBF, OUT / "roads.osm.pbf")

    print(f"order day {order_day}: {len(day_all)} customers ordered, {len(day_lines)} of them "
          f"bought kept SKUs -> {len(day_lines)} orders")
    return check_scenario.main([str(OUT), "--calendar", str(CALENDAR_CSV)])


if __name__ == "__main__":
    sys.exit(main())
