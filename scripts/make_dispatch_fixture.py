#!/usr/bin/env python3
"""Writes the invented dynamic-dispatch fixture under data/dispatch/ (no ORTEC data in it).

The instance is made up here: 12 customers on a small grid around a depot, an asymmetric
integer duration matrix (Euclidean times 60 s per unit, 10 % slower in one direction), time
windows and service times in the ORTEC style. The episode follows the dynamic rules of
../shared/benchmarks/ortec/README.md (epochs, the four index draws per request, the
feasibility filter, must-dispatch epochs) with numpy's default_rng(seed), but draws 8
requests per epoch instead of 100 so that the tests stay small.

Usage: python3 scripts/make_dispatch_fixture.py [--out data/dispatch] [--seed 1]
"""

import argparse
import math
import pathlib

import numpy as np

EPOCH, MARGIN, PER_EPOCH = 3600, 3600, 8


def instance():
    pts = [(0, 0), (3, 1), (5, 4), (-2, 6), (-6, -1), (1, -7), (7, -3), (-4, -5), (2, 9),
           (8, 6), (-8, 4), (4, -8), (-1, 3)]
    n = len(pts)
    dur = [[0] * n for _ in range(n)]
    for i, a in enumerate(pts):
        for j, b in enumerate(pts):
            if i != j:
                d = math.hypot(a[0] - b[0], a[1] - b[1]) * 60
                dur[i][j] = int(round(d * (1.1 if i < j else 1.0)))
    horizon = 30000
    ready = [0, 3600, 4000, 5400, 6000, 7200, 8000, 9000, 10800, 12000, 13000, 14400, 15000]
    width = [horizon, 3600, 5400, 3600, 7200, 3600, 5400, 3600, 7200, 3600, 5400, 3600, 7200]
    tw = [(0, horizon)] + [(ready[i], ready[i] + width[i]) for i in range(1, n)]
    service = [0] + [300 + 60 * (i % 4) for i in range(1, n)]
    demand = [0] + [5 + (7 * i) % 11 for i in range(1, n)]
    return pts, dur, tw, service, demand


def write_instance(path, pts, dur, tw, service, demand):
    n = len(pts)
    out = ["NAME : tiny-n12", "COMMENT : invented for stockroute's tests", "TYPE : VRPTW",
           f"DIMENSION : {n}", "EDGE_WEIGHT_TYPE : EXPLICIT", "VEHICLES : 4",
           "EDGE_WEIGHT_FORMAT : FULL_MATRIX", "CAPACITY : 40", "EDGE_WEIGHT_SECTION"]
    out += ["\t".join(str(x) for x in row) for row in dur]
    out += ["NODE_COORD_SECTION"] + [f"{i + 1}\t{x}\t{y}" for i, (x, y) in enumerate(pts)]
    out += ["DEMAND_SECTION"] + [f"{i + 1}\t{d}" for i, d in enumerate(demand)]
    out += ["DEPOT_SECTION", "1", "-1"]
    out += ["SERVICE_TIME_SECTION"] + [f"{i + 1}\t{s}" for i, s in enumerate(service)]
    out += ["TIME_WINDOW_SECTION"] + [f"{i + 1}\t{a}\t{b}" for i, (a, b) in enumerate(tw)]
    out += ["EOF"]
    path.write_text("\n".join(out) + "\n")


def episode(dur, tw, service, demand, seed):
    n = len(dur) - 1
    horizon = tw[0][1]
    readies = [tw[i][0] for i in range(1, n + 1)]
    start = max((min(readies) - MARGIN) // EPOCH, 0)
    end = max((max(readies) - MARGIN) // EPOCH, 0)

    def fits(c, ready, due, svc, p):
        t = max(p + dur[0][c], ready)
        return t <= due and t + svc + dur[c][0] <= horizon

    rng = np.random.default_rng(seed)
    rows = []
    for e in range(start, end + 1):
        p = e * EPOCH + MARGIN
        loc, win, dem, svc = (rng.integers(n, size=PER_EPOCH) + 1 for _ in range(4))
        for c, w, d, s in zip(loc, win, dem, svc):
            ready, due = tw[w]
            if not fits(c, ready, due, service[s], p):
                continue
            must = next((k for k in range(e, end)
                         if not fits(c, ready, due, service[s], (k + 1) * EPOCH + MARGIN)), end)
            rows.append((len(rows) + 1, e, must, int(c), ready, due, service[s], demand[d]))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="data/dispatch")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    pts, dur, tw, service, demand = instance()
    write_instance(out / "tiny-n12.txt", pts, dur, tw, service, demand)
    rows = episode(dur, tw, service, demand, a.seed)
    head = "request,release_epoch,must_dispatch_epoch,node,ready,due,service,demand"
    text = head + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    (out / f"tiny-n12-s{a.seed}.csv").write_text(text)
    print(f"{len(rows)} requests")


if __name__ == "__main__":
    main()
