#!/usr/bin/env python3
"""Run PyVRP on the instances of a benchmark folder (with bks.csv), one thread, same
time limit per instance as `stockroute bench routing`, and print/write the same CSV columns.

CVRP (.vrp): PyVRP's own reader, edges rounded to the nearest integer (CVRPLIB convention);
objective = distance.
VRPTW (Solomon .txt): distances and times x1000 rounded (PyVRP's "exact" convention); the
objective is hierarchical (vehicles, then distance), so half the time goes to PyVRP's own
`minimise_fleet` and the rest to `solve` with the fleet it found (PyVRP's documented
recipe). Distances are recomputed exactly from the coordinates for the gap.
Li & Lim PDPTW (`--format lilim`, .txt): each pickup-delivery pair is a PyVRP `Shipment`
(0.14+), distances and times x1000 rounded as for VRPTW, the same fleet-then-distance
recipe; the exact distance is recomputed from the coordinates.

Usage: pip install pyvrp==0.14.1
       python3 scripts/pyvrp_bench.py ../shared/benchmarks/cvrp --time-limit-s 5 [--seed 0] [--csv out.csv]
       python3 scripts/pyvrp_bench.py ../shared/benchmarks/pdptw --format lilim --time-limit-s 30
"""

import argparse
import csv
import math
import pathlib
import sys
import time

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

HEADER = [
    "solver", "instance", "customers", "vehicles", "bks_vehicles", "cost", "bks",
    "gap_pct", "feasible", "seconds", "time_limit_s",
]


def read_solomon(path):
    lines = pathlib.Path(path).read_text().splitlines()
    number = capacity = None
    rows = []
    in_customers = False
    for line in lines[1:]:
        f = line.split()
        if not f:
            continue
        if line.strip().startswith("CUSTOMER"):
            in_customers = True
            continue
        if not f[0].isdigit():
            continue
        if not in_customers:
            number, capacity = int(f[0]), int(f[1])
        else:
            rows.append([float(x) for x in f])
    xy = np.array([[r[1], r[2]] for r in rows])
    diff = xy[:, None, :] - xy[None, :, :]
    exact = np.sqrt((diff ** 2).sum(-1))
    matrix = np.round(1000 * exact).astype(np.int64)
    depot = rows[0]
    locations = [pyvrp.Location(x=r[1], y=r[2]) for r in rows]
    clients = [
        pyvrp.Client(location=i, delivery=[int(r[3])], service_duration=int(round(1000 * r[6])),
                     tw_early=int(round(1000 * r[4])), tw_late=int(round(1000 * r[5])))
        for i, r in enumerate(rows) if i > 0
    ]
    vt = pyvrp.VehicleType(num_available=number, capacity=[capacity],
                           tw_early=int(round(1000 * depot[4])), tw_late=int(round(1000 * depot[5])))
    data = pyvrp.ProblemData(locations, clients, [pyvrp.Depot(location=0,
                             tw_early=int(round(1000 * depot[4])), tw_late=int(round(1000 * depot[5])))],
                             [vt], [matrix], [matrix])
    return data, exact


def read_lilim(path):
    """A Li & Lim file as ProblemData with one Shipment per pickup-delivery pair."""
    lines = [l.split() for l in pathlib.Path(path).read_text().splitlines() if l.strip()]
    number, capacity = int(lines[0][0]), int(lines[0][1])
    rows = [[float(x) for x in f] for f in lines[1:]]
    xy = np.array([[r[1], r[2]] for r in rows])
    diff = xy[:, None, :] - xy[None, :, :]
    exact = np.sqrt((diff ** 2).sum(-1))
    matrix = np.round(1000 * exact).astype(np.int64)
    k = lambda x: int(round(1000 * x))
    depot = rows[0]
    locations = [pyvrp.Location(x=r[1], y=r[2]) for r in rows]
    shipments = []
    for i, r in enumerate(rows):
        if i == 0 or int(r[7]) != 0:
            continue  # the depot, or a delivery (its pickup names it)
        d = int(r[8])
        dr = rows[d]
        shipments.append(pyvrp.Shipment(
            pickup_location=i, delivery_location=d,
            pickup_tw_early=k(r[4]), pickup_tw_late=k(r[5]), pickup_service_duration=k(r[6]),
            delivery_tw_early=k(dr[4]), delivery_tw_late=k(dr[5]), delivery_service_duration=k(dr[6]),
            amount=[int(r[3])], name=str(i)))
    vt = pyvrp.VehicleType(num_available=number, capacity=[capacity],
                           tw_early=k(depot[4]), tw_late=k(depot[5]))
    data = pyvrp.ProblemData(locations, [], [pyvrp.Depot(location=0, tw_early=k(depot[4]),
                             tw_late=k(depot[5]))], [vt], [matrix], [matrix], shipments=shipments)
    return data, exact, shipments


def shipment_distance(routes, exact, shipments):
    """Exact distance of PyVRP routes over shipments (visit idx = shipment index)."""
    total = 0.0
    for r in routes:
        locs = [0 if a.is_depot() else
                (shipments[a.idx].pickup.location if a.is_pickup() else shipments[a.idx].delivery.location)
                for a in r.schedule()]
        total += sum(exact[a, b] for a, b in zip(locs, locs[1:]))
    return total


def route_distance(routes, exact, num_depots):
    """Exact distance of PyVRP routes (schedule activity idx = client index for clients)."""
    total = 0.0
    for r in routes:
        locs = [a.idx + num_depots if a.is_client() else 0 for a in r.schedule()]
        total += sum(exact[a, b] for a, b in zip(locs, locs[1:]))
    return total


def run_one(path, limit, seed, fmt=None):
    start = time.perf_counter()
    if fmt == "lilim":
        data, exact, shipments = read_lilim(path)
        fleet = pyvrp.minimise_fleet(data, stop=MaxRuntime(limit / 2), seed=seed)
        small = data.replace(vehicle_types=[fleet])
        remaining = max(0.01, limit - (time.perf_counter() - start))
        res = pyvrp.solve(small, stop=MaxRuntime(remaining), seed=seed, display=False)
        if not res.best.is_feasible():
            remaining = max(0.01, limit - (time.perf_counter() - start))
            res = pyvrp.solve(data, stop=MaxRuntime(remaining), seed=seed, display=False)
        best = res.best
        dist = shipment_distance(best.routes(), exact, shipments)
        return best.num_routes(), dist, best.is_feasible(), time.perf_counter() - start
    if path.suffix == ".vrp":
        data = pyvrp.read(str(path), round_func="round")
        res = pyvrp.solve(data, stop=MaxRuntime(limit), seed=seed, display=False)
        best = res.best
        return best.num_routes(), float(best.distance()), best.is_feasible(), time.perf_counter() - start
    data, exact = read_solomon(path)
    fleet = pyvrp.minimise_fleet(data, stop=MaxRuntime(limit / 2), seed=seed)
    small = data.replace(vehicle_types=[fleet])
    remaining = max(0.01, limit - (time.perf_counter() - start))
    res = pyvrp.solve(small, stop=MaxRuntime(remaining), seed=seed, display=False)
    if not res.best.is_feasible():
        remaining = max(0.01, limit - (time.perf_counter() - start))
        res = pyvrp.solve(data, stop=MaxRuntime(remaining), seed=seed, display=False)
    best = res.best
    return best.num_routes(), route_distance(best.routes(), exact, data.num_depots), best.is_feasible(), time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--time-limit-s", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--filter", default=None)
    ap.add_argument("--csv", default=None)
    ap.add_argument("--format", default=None, choices=["lilim"])
    a = ap.parse_args()
    d = pathlib.Path(a.dir)
    out = []
    with open(d / "bks.csv") as f:
        for row in csv.DictReader(f):
            name = row["instance"]
            if a.filter and a.filter not in name:
                continue
            path = next((d / f"{name}.{e}" for e in ("vrp", "txt") if (d / f"{name}.{e}").exists()), None)
            if path is None:
                sys.exit(f"no instance file for {name}")
            conv = row["convention"]
            bks_veh = conv.split("BKS ")[1].split()[0] if "BKS " in conv else "-"
            veh, cost, ok, secs = run_one(path, a.time_limit_s, a.seed, a.format)
            bks = float(row["bks"])
            gap = 100 * (cost / bks - 1)
            out.append(["pyvrp", name, row["customers"], veh, bks_veh, f"{cost:.4f}", row["bks"],
                        f"{gap:.4f}", str(ok).lower(), f"{secs:.3f}", a.time_limit_s])
            print(f"{name:<14} {veh:>4}/{bks_veh:<4} {cost:>12.3f} {bks:>12.3f} {gap:>8.2f} {secs:>6.1f}",
                  flush=True)
    gaps = [float(r[7]) for r in out]
    print(f"mean gap {sum(gaps) / len(gaps):.2f} %, max {max(gaps):.2f} % over {len(gaps)} instances")
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            w.writerows(out)


if __name__ == "__main__":
    main()
