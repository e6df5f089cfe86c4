#!/usr/bin/env python3
"""Run `stockroute bench routing` and `scripts/pyvrp_bench.py` on the same folder with the
same time limit and seed, one after the other (one thread each), then print one table and
keep both raw CSVs.

Usage: python3 scripts/routing_compare.py ../shared/benchmarks/cvrp --time-limit-s 30 \
           [--seed 0] [--bin target/release/stockroute] [--out docs/bench-raw/cvrp-30s]
"""

import argparse
import csv
import os
import subprocess
import sys


def load(path):
    with open(path) as f:
        return {r["instance"]: r for r in csv.DictReader(f)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--time-limit-s", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bin", default="target/release/stockroute")
    ap.add_argument("--filter", default=None)
    ap.add_argument("--out", required=True, help="prefix of the raw CSV files")
    ap.add_argument("--relative", action="store_true",
                    help="gaps to the better of the two solvers (instances without a BKS)")
    ap.add_argument("--merge-only", action="store_true",
                    help="do not run anything, only print the table of existing CSVs")
    a = ap.parse_args()
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    ours, theirs = f"{a.out}-stockroute.csv", f"{a.out}-pyvrp.csv"
    common = ["--time-limit-s", str(a.time_limit_s), "--seed", str(a.seed)]
    if a.filter:
        common += ["--filter", a.filter]
    load_before = os.getloadavg()
    if not a.merge_only:
        subprocess.run([a.bin, "bench", "routing", a.dir, *common, "--csv", ours], check=False)
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([sys.executable, os.path.join(here, "pyvrp_bench.py"), a.dir, *common,
                        "--csv", theirs], check=True)
    load_after = os.getloadavg()
    o, t = load(ours), load(theirs)
    print()
    print(f"| instance | BKS veh | stockroute veh | stockroute gap % | PyVRP veh | PyVRP gap % |")
    print(f"|---|---|---|---|---|---|")
    go, gt = [], []
    for name in o:
        if name not in t:
            continue
        ro, rt = o[name], t[name]
        if a.relative:
            best = min(float(ro["cost"]), float(rt["cost"]))
            ro["gap_pct"] = 100 * (float(ro["cost"]) / best - 1)
            rt["gap_pct"] = 100 * (float(rt["cost"]) / best - 1)
        go.append(float(ro["gap_pct"]))
        gt.append(float(rt["gap_pct"]))
        mark = "" if ro["feasible"] == "true" else " (infeasible)"
        print(f"| {name} | {ro['bks_vehicles']} | {ro['vehicles']} | {float(ro['gap_pct']):.2f}{mark} "
              f"| {rt['vehicles']} | {float(rt['gap_pct']):.2f} |")
    if go:
        print(f"| **mean** | | | **{sum(go) / len(go):.2f}** | | **{sum(gt) / len(gt):.2f}** |")
        print(f"| max | | | {max(go):.2f} | | {max(gt):.2f} |")
    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
          f"time limit {a.time_limit_s} s per instance, seed {a.seed}")


if __name__ == "__main__":
    main()
