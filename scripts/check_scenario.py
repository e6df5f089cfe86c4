#!/usr/bin/env python3
"""Check a scenario folder against the scenario folder format and print its key counts.

Usage (from the repository root):
    python3 scripts/check_scenario.py data/scenarios/monaco [--calendar ../shared/data/demand/calendar.csv]

Exits 1 and lists every violation found, else prints the counts and exits 0. This is an
independent check of the generated files (it reads them back as the Rust loader will); the
loader's own validation is authoritative.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import re
import statistics
import sys
import tomllib
from pathlib import Path

HEADERS = {
    "zones.csv": ["zone", "lat", "lon", "polygon_wkt"],
    "skus.csv": ["sku", "volume_m3", "weight_kg", "value"],
    "demand.csv": ["date", "sku", "zone", "quantity"],
    "orders.csv": ["order", "zone", "lat", "lon", "sku", "quantity", "tw_start", "tw_end"],
}
TOP_KEYS = {"name", "currency", "period", "horizon_periods", "roads", "costs", "centres", "stations"}
TOP_REQUIRED = {"name", "currency", "period", "horizon_periods", "costs", "centres"}
COST_KEYS = {"lost_sale_per_unit", "late_per_unit", "promise_distance_km", "transport_per_unit_km"}
CENTRE_KEYS = {"id", "name", "lat", "lon", "storage_m3", "outbound_units_per_period",
               "holding_cost_per_unit_period"}
CENTRE_POSITIVE = {"storage_m3", "outbound_units_per_period"}
STATION_KEYS = {"id", "name", "lat", "lon", "centre", "vehicle_types"}
VEHICLE_KEYS = {"id", "count", "capacity_kg", "capacity_m3", "shift_start", "shift_end",
                "cost_per_km", "cost_per_hour", "fixed_cost"}
VEHICLE_OPTIONAL = {"breaks", "profile"}
VEHICLE_PROFILES = {"car", "van", "truck", "bicycle", "foot"}
VEHICLE_POSITIVE = {"count", "capacity_kg", "capacity_m3"}
VEHICLE_COSTS = {"cost_per_km", "cost_per_hour", "fixed_cost"}
HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
WKT = re.compile(r"POLYGON\(\((.*)\)\)")


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, msg: str) -> None:
        self.items.append(f"{where}: {msg}")


def num(s: str) -> float | None:
    try:
        x = float(s)
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None


def check_keys(p: Problems, where: str, table: dict, allowed: set[str], required: set[str]) -> None:
    for k in sorted(set(table) - allowed):
        p.add(where, f"unknown key `{k}`")
    for k in sorted(required - set(table)):
        p.add(where, f"missing key `{k}`")


def check_latlon(p: Problems, where: str, lat, lon) -> None:
    if not isinstance(lat, (int, float)) or not -90 <= lat <= 90:
        p.add(where, f"lat {lat!r} not in [-90, 90]")
    if not isinstance(lon, (int, float)) or not -180 <= lon <= 180:
        p.add(where, f"lon {lon!r} not in [-180, 180]")


def check_toml(p: Problems, folder: Path) -> dict:
    try:
        sc = tomllib.loads((folder / "scenario.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        p.add("scenario.toml", str(e))
        return {}
    check_keys(p, "scenario.toml", sc, TOP_KEYS, TOP_REQUIRED)
    if sc.get("period") not in ("day", "week"):
        p.add("scenario.toml", "period must be day or week")
    if not isinstance(sc.get("horizon_periods"), int) or sc["horizon_periods"] <= 0:
        p.add("scenario.toml", "horizon_periods must be a positive integer")
    if "roads" in sc and not (folder / sc["roads"]).is_file():
        p.add("scenario.toml", f"roads file {sc['roads']} missing")
    costs = sc.get("costs", {})
    check_keys(p, "[costs]", costs, COST_KEYS, COST_KEYS)
    for k, v in costs.items():
        if not isinstance(v, (int, float)) or v < 0:
            p.add("[costs]", f"{k} must be a number >= 0")
    if costs.get("promise_distance_km", 1) <= 0:
        p.add("[costs]", "promise_distance_km must be > 0")
    centres = sc.get("centres", [])
    if not centres:
        p.add("scenario.toml", "at least one centre required")
    ids = collections.Counter(c.get("id") for c in centres)
    for c in centres:
        where = f"centre {c.get('id')}"
        check_keys(p, where, c, CENTRE_KEYS, CENTRE_KEYS)
        check_latlon(p, where, c.get("lat"), c.get("lon"))
        for k in CENTRE_POSITIVE:
            if not isinstance(c.get(k), (int, float)) or c[k] <= 0:
                p.add(where, f"{k} must be > 0")
        if not isinstance(c.get("holding_cost_per_unit_period"), (int, float)) or c[
                "holding_cost_per_unit_period"] < 0:
            p.add(where, "holding_cost_per_unit_period must be >= 0")
    for k, n in ids.items():
        if n > 1:
            p.add("centres", f"duplicate id {k}")
    stations = sc.get("stations", [])
    for k, n in collections.Counter(s.get("id") for s in stations).items():
        if n > 1:
            p.add("stations", f"duplicate id {k}")
    for s in stations:
        where = f"station {s.get('id')}"
        check_keys(p, where, s, STATION_KEYS, STATION_KEYS)
        check_latlon(p, where, s.get("lat"), s.get("lon"))
        if s.get("centre") not in ids:
            p.add(where, f"centre {s.get('centre')} does not exist")
        vts = s.get("vehicle_types", [])
        if not vts:
            p.add(where, "needs at least one vehicle type")
        for k, n in collections.Counter(v.get("id") for v in vts).items():
            if n > 1:
                p.add(where, f"duplicate vehicle type {k}")
        for v in vts:
            vw = f"{where} vehicle {v.get('id')}"
            check_keys(p, vw, v, VEHICLE_KEYS | VEHICLE_OPTIONAL, VEHICLE_KEYS)
            if v.get("profile", "van") not in VEHICLE_PROFILES:
                p.add(vw, f"profile {v['profile']!r} is not one of {sorted(VEHICLE_PROFILES)}")
            for k in VEHICLE_POSITIVE:
                if not isinstance(v.get(k), (int, float)) or v[k] <= 0:
                    p.add(vw, f"{k} must be > 0")
            for k in VEHICLE_COSTS:
                if not isinstance(v.get(k), (int, float)) or v[k] < 0:
                    p.add(vw, f"{k} must be >= 0")
            a, b = str(v.get("shift_start")), str(v.get("shift_end"))
            if not (HHMM.fullmatch(a) and HHMM.fullmatch(b) and a < b):
                p.add(vw, f"bad shift {a}..{b}")
    return sc


def read_csv(p: Problems, path: Path) -> list[list[str]]:
    with open(path, newline="") as f:
        raw = f.read()
    if "\r" in raw:
        p.add(path.name, "CR line endings")
    rows = list(csv.reader(raw.splitlines()))
    if not rows or rows[0] != HEADERS[path.name]:
        p.add(path.name, f"header {rows[0] if rows else None} != {HEADERS[path.name]}")
        return []
    return rows[1:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--calendar", type=Path, help="calendar.csv, to report zero shares on trading days")
    args = ap.parse_args(argv)
    folder: Path = args.folder
    p = Problems()
    sc = check_toml(p, folder)

    zones: dict[str, tuple[float, float]] = {}
    for i, r in enumerate(read_csv(p, folder / "zones.csv"), 2):
        if len(r) != 4:
            p.add(f"zones.csv:{i}", "needs 4 fields")
            continue
        z, lat, lon, wkt = r[0], num(r[1]), num(r[2]), r[3]
        if not z or z in zones:
            p.add(f"zones.csv:{i}", f"empty or duplicate zone {z!r}")
        check_latlon(p, f"zones.csv:{i}", lat, lon)
        if wkt:
            m = WKT.fullmatch(wkt)
            pts = [tuple(map(float, q.split())) for q in m.group(1).split(",")] if m else []
            if len(pts) < 4 or pts[0] != pts[-1] or any(len(q) != 2 for q in pts):
                p.add(f"zones.csv:{i}", "polygon_wkt is not a closed POLYGON((lon lat, ...))")
            elif lat is not None and lon is not None:
                xs, ys = [q[0] for q in pts], [q[1] for q in pts]
                if not (min(xs) <= lon <= max(xs) and min(ys) <= lat <= max(ys)):
                    p.add(f"zones.csv:{i}", "centroid outside the polygon's bounding box")
        zones[z] = (lat or 0.0, lon or 0.0)

    skus: dict[str, tuple[float, float, float]] = {}
    for i, r in enumerate(read_csv(p, folder / "skus.csv"), 2):
        if len(r) != 4:
            p.add(f"skus.csv:{i}", "needs 4 fields")
            continue
        vol, kg, val = num(r[1]), num(r[2]), num(r[3])
        if not r[0] or r[0] in skus:
            p.add(f"skus.csv:{i}", f"empty or duplicate sku {r[0]!r}")
        if vol is None or vol <= 0 or kg is None or kg <= 0 or val is None or val < 0:
            p.add(f"skus.csv:{i}", "volume and weight must be > 0, value >= 0")
        skus[r[0]] = (vol or 0.0, kg or 0.0, val or 0.0)

    series: dict[tuple[str, str], int] = collections.Counter()
    seen: set[tuple[str, str, str]] = set()
    dates: set[str] = set()
    units_by_date: dict[str, float] = collections.Counter()
    vol_by_date: dict[str, float] = collections.Counter()
    units = 0.0
    n_demand = 0
    for i, r in enumerate(read_csv(p, folder / "demand.csv"), 2):
        n_demand += 1
        if len(r) != 4:
            p.add(f"demand.csv:{i}", "needs 4 fields")
            continue
        date, sku, zone, q = r[0], r[1], r[2], num(r[3])
        try:
            dt.date.fromisoformat(date)
            if len(date) != 10:
                raise ValueError
        except ValueError:
            p.add(f"demand.csv:{i}", f"bad date {date!r}")
        if sku not in skus:
            p.add(f"demand.csv:{i}", f"unknown sku {sku}")
        if zone not in zones:
            p.add(f"demand.csv:{i}", f"unknown zone {zone}")
        if q is None or q < 0:
            p.add(f"demand.csv:{i}", f"quantity {r[3]!r} must be a number >= 0")
            continue
        if (date, sku, zone) in seen:
            p.add(f"demand.csv:{i}", "duplicate (date, sku, zone)")
        seen.add((date, sku, zone))
        dates.add(date)
        if q > 0:
            series[(sku, zone)] += 1
        units += q
        units_by_date[date] += q
        vol_by_date[date] += q * skus.get(sku, (0.0, 0.0, 0.0))[0]

    orders: dict[str, list[list[str]]] = collections.defaultdict(list)
    orders_path = folder / "orders.csv"
    if orders_path.exists():
        for i, r in enumerate(read_csv(p, orders_path), 2):
            if len(r) != 8:
                p.add(f"orders.csv:{i}", "needs 8 fields")
                continue
            o, zone, lat, lon, sku, q, tws, twe = r
            where = f"orders.csv:{i}"
            if not o:
                p.add(where, "empty order id")
            if zone and zone not in zones:
                p.add(where, f"unknown zone {zone}")
            if bool(lat) != bool(lon):
                p.add(where, "lat and lon: both or neither")
            if lat:
                check_latlon(p, where, num(lat), num(lon))
            if not zone and not lat:
                p.add(where, "needs a zone or lat/lon")
            if sku not in skus:
                p.add(where, f"unknown sku {sku}")
            if num(q) is None or num(q) <= 0:
                p.add(where, f"quantity {q!r} must be > 0")
            if bool(tws) != bool(twe) or (tws and not (HHMM.fullmatch(tws) and HHMM.fullmatch(twe)
                                                       and tws < twe)):
                p.add(where, f"bad time window {tws!r}..{twe!r}")
            if orders[o] and orders[o][0][1:4] + orders[o][0][6:8] != r[1:4] + r[6:8]:
                p.add(where, f"order {o} lines disagree on location or window")
            orders[o].append(r)

    if p.items:
        for s in p.items[:50]:
            print("PROBLEM", s)
        print(f"{len(p.items)} problems")
        return 1

    # ---- counts -------------------------------------------------------------------------------
    d0, d1 = min(dates), max(dates)
    n_days = (dt.date.fromisoformat(d1) - dt.date.fromisoformat(d0)).days + 1
    zero_cal = [1 - k / n_days for k in series.values()]
    print(f"{folder}: OK")
    print(f"  zones {len(zones)}, skus {len(skus)}, demand rows {n_demand}, dates {d0}..{d1} "
          f"({n_days} calendar days, {len(dates)} with demand), units {units:.0f}")
    print(f"  series (sku x zone with demand) {len(series)} of {len(skus) * len(zones)}; zero share "
          f"per series on calendar days: mean {statistics.mean(zero_cal):.3f}, "
          f"median {statistics.median(zero_cal):.3f}, min {min(zero_cal):.3f}")
    if args.calendar:
        with open(args.calendar, newline="") as f:
            trading = {r["date"] for r in csv.DictReader(f) if r["trading_day"] == "1" and d0 <= r["date"] <= d1}
        zt = [1 - k / len(trading) for k in series.values()]
        off = sorted(d for d in dates if d not in trading)
        print(f"  zero share per series on the {len(trading)} trading days: mean {statistics.mean(zt):.3f}, "
              f"median {statistics.median(zt):.3f}; demand on non-trading days: {len(off)} dates")
    last28 = sorted(dates)[-1]
    win = [d for d in dates if (dt.date.fromisoformat(last28) - dt.date.fromisoformat(d)).days < 56]
    u56 = sum(units_by_date[d] for d in win) / 56
    v56 = sum(vol_by_date[d] for d in win) / 56
    horizon = sc.get("horizon_periods", 0)
    storage = sum(c["storage_m3"] for c in sc.get("centres", []))
    outbound = sum(c["outbound_units_per_period"] for c in sc.get("centres", []))
    peak = max(units_by_date.values())
    print(f"  last 8 weeks: {u56:.0f} units/day, {v56:.2f} m3/day; horizon {horizon} periods -> "
          f"{u56 * horizon:.0f} units, {v56 * horizon:.1f} m3 vs total storage {storage:.0f} m3")
    print(f"  outbound capacity {outbound:.0f} units/period vs peak day {peak:.0f} units")
    for c in sc.get("centres", []):
        print(f"    {c['id']}: storage {c['storage_m3']} m3 = "
              f"{c['storage_m3'] / v56 if v56 else 0:.1f} days of recent demand volume, outbound "
              f"{c['outbound_units_per_period']:.0f}/day")
    if orders:
        lines = sum(len(v) for v in orders.values())
        ou = kg = m3 = 0.0
        heavy = (0.0, "")
        bulky = (0.0, "")
        windows = 0
        for o, rs in orders.items():
            okg = sum(float(r[5]) * skus[r[4]][1] for r in rs)
            om3 = sum(float(r[5]) * skus[r[4]][0] for r in rs)
            ou += sum(float(r[5]) for r in rs)
            kg += okg
            m3 += om3
            heavy = max(heavy, (okg, o))
            bulky = max(bulky, (om3, o))
            windows += bool(rs[0][6])
        print(f"  orders {len(orders)}, lines {lines}, units {ou:.0f}, {kg:.0f} kg, {m3:.2f} m3, "
              f"with time window {windows}; heaviest {heavy[0]:.1f} kg ({heavy[1]}), "
              f"bulkiest {bulky[0]:.3f} m3 ({bulky[1]})")
        fleet_kg = fleet_m3 = 0.0
        max_kg = max_m3 = 0.0
        for s in sc.get("stations", []):
            for v in s["vehicle_types"]:
                fleet_kg += v["count"] * v["capacity_kg"]
                fleet_m3 += v["count"] * v["capacity_m3"]
                max_kg = max(max_kg, v["capacity_kg"])
                max_m3 = max(max_m3, v["capacity_m3"])
        print(f"  fleet capacity {fleet_kg:.0f} kg / {fleet_m3:.1f} m3 per trip "
              f"(largest vehicle {max_kg:.0f} kg / {max_m3:.1f} m3)")
        if heavy[0] > max_kg or bulky[0] > max_m3:
            print("PROBLEM an order exceeds the largest vehicle")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
