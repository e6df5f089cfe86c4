#!/usr/bin/env python3
"""ORTEC / EURO-NeurIPS 2022 static VRPTW: stockroute beside PyVRP, one thread each.

For each instance, in the same run and one after the other: `stockroute route FILE --format
vrplib --time-limit-s T --threads 1 --seed S --sol OUT` and PyVRP 0.14.1
(`pyvrp.solve(pyvrp.read(FILE), stop=MaxRuntime(T), seed=S)`), each under `/usr/bin/time -v`
(wall, user + system CPU, peak RSS of the whole process, start-up included). Both solutions
are then re-checked here, independently of both solvers, by the rules of
../shared/benchmarks/ortec/README.md: every customer once, route demand <= CAPACITY, service
starts within [ready, due] (waiting allowed), back at the depot by its due; cost = the
matrix's total driving duration (waiting and service not counted).

The 20 shared files have no best-known solutions (no bks.csv), so the table compares the two
solvers: cost ratio stockroute / PyVRP per instance and its mean.

Usage: cargo build --release
       pip install pyvrp==0.14.1
       python3 scripts/ortec_bench.py [--ortec ../shared/benchmarks/ortec] [--time-limit-s 30]
           [--seed 1] [--bin target/release/stockroute] [--out docs/bench-raw/ortec-30s]
           [--all | INSTANCE ...]
By default it runs 8 of the 20 files, `round(i * 19 / 7)` for i = 0..7 in the README's
order (by customers): a spread of sizes fixed before any run. It says so and exits with
status 2 when the shared folder is missing.
"""

import argparse
import csv
import json
import pathlib
import re
import subprocess
import sys
import tempfile

HEADER = [
    "solver", "instance", "customers", "routes", "cost", "checked_cost", "feasible",
    "wall_s", "cpu_s", "peak_mb", "time_limit_s", "seed",
]


def read_instance(path):
    """The sections the check needs: matrix, demands, service times, windows, capacity."""
    lines = pathlib.Path(path).read_text().splitlines()
    head, sections, current = {}, {}, None
    for line in lines:
        line = line.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("_SECTION"):
            current = line
            sections[current] = []
        elif current is None:
            key, value = line.split(":", 1)
            head[key.strip()] = value.strip()
        else:
            sections[current].append([int(x) for x in line.split()])
    n = int(head["DIMENSION"])
    flat = [x for row in sections["EDGE_WEIGHT_SECTION"] for x in row]
    assert len(flat) == n * n, path
    matrix = [flat[i * n:(i + 1) * n] for i in range(n)]
    by_node = lambda name: {r[0] - 1: r[1:] for r in sections[name]}
    demand = by_node("DEMAND_SECTION")
    service = by_node("SERVICE_TIME_SECTION")
    window = by_node("TIME_WINDOW_SECTION")
    return {
        "n": n, "matrix": matrix, "capacity": int(head["CAPACITY"]),
        "demand": [demand[i][0] for i in range(n)],
        "service": [service[i][0] for i in range(n)],
        "window": [tuple(window[i]) for i in range(n)],
    }


def check(inst, routes):
    """(feasible, cost) of routes given as lists of node indices (depot 0)."""
    m, (_, horizon) = inst["matrix"], inst["window"][0]
    seen, cost, ok = [], 0, True
    for r in routes:
        time, load, prev = inst["window"][0][0] + inst["service"][0], 0, 0
        for c in r:
            time += m[prev][c]
            ready, due = inst["window"][c]
            time = max(time, ready)
            ok &= time <= due
            time += inst["service"][c]
            load += inst["demand"][c]
            cost += m[prev][c]
            prev = c
        cost += m[prev][0]
        ok &= time + m[prev][0] <= horizon and load <= inst["capacity"]
        seen += r
    ok &= sorted(seen) == list(range(1, inst["n"]))
    return ok, cost


def timed(cmd):
    """Runs cmd under /usr/bin/time -v: (stdout, wall_s, cpu_s, peak_mb)."""
    out = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    def field(name):
        return re.search(rf"{re.escape(name)}: (.+)", out.stderr).group(1).strip()
    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    peak = int(field("Maximum resident set size (kbytes)")) / 1024
    return out.stdout, wall, cpu, peak


def pyvrp_one(path, limit, seed):
    """Child mode: solve with PyVRP and print cost and routes (node indices) as JSON."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    data = pyvrp.read(path)
    res = pyvrp.solve(data, stop=MaxRuntime(limit), seed=seed, display=False)
    # A client activity's idx counts clients from 0; the file's depot is location 0.
    routes = [[a.idx + data.num_depots for a in r.schedule() if a.is_client()]
              for r in res.best.routes()]
    print(json.dumps({"cost": res.cost(), "routes": routes, "feasible": res.is_feasible()}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instances", nargs="*")
    ap.add_argument("--ortec", default="../shared/benchmarks/ortec")
    ap.add_argument("--time-limit-s", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", default="target/release/stockroute")
    ap.add_argument("--out", default=None, help="folder for the raw CSV and .sol files")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--pyvrp-one", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.pyvrp_one:
        return pyvrp_one(a.pyvrp_one, a.time_limit_s, a.seed)
    folder = pathlib.Path(a.ortec)
    if not folder.is_dir():
        print(f"{folder} is missing: this benchmark needs the shared ORTEC instances "
              "(../shared/benchmarks/ortec beside the repository); nothing was run.",
              file=sys.stderr)
        return 2
    files = sorted(folder.glob("ORTEC-VRPTW-ASYM-*.txt"),
                   key=lambda p: (int(re.search(r"-n(\d+)-", p.name).group(1)), p.name))
    if a.instances:
        files = [f for f in files if any(i in f.name for i in a.instances)]
    elif not a.all:
        files = [files[round(i * (len(files) - 1) / 7)] for i in range(8)]
    out = pathlib.Path(a.out) if a.out else pathlib.Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for f in files:
        inst = read_instance(f)
        name = f.stem
        sol = out / f"{name}.stockroute.sol"
        text, wall, cpu, peak = timed([a.bin, "route", str(f), "--format", "vrplib",
                                       "--time-limit-s", str(a.time_limit_s), "--threads", "1",
                                       "--seed", str(a.seed), "--sol", str(sol)])
        summary = json.loads(text.strip().splitlines()[-1])
        routes = [[int(c) for c in line.split(":", 1)[1].split()]
                  for line in sol.read_text().splitlines() if line.startswith("Route")]
        ok, cost = check(inst, routes)  # customer c is node c (0-based node index)
        rows.append(["stockroute", name, inst["n"] - 1, len(routes), summary["cost"], cost,
                     ok and summary["feasible"] and summary["unserved"] == 0,
                     wall, cpu, peak, a.time_limit_s, a.seed])
        text, wall, cpu, peak = timed([sys.executable, __file__, "--pyvrp-one", str(f),
                                       "--time-limit-s", str(a.time_limit_s),
                                       "--seed", str(a.seed)])
        res = json.loads(text.strip().splitlines()[-1])
        ok, cost = check(inst, res["routes"])
        (out / f"{name}.pyvrp.sol").write_text(
            "".join(f"Route #{k + 1}: {' '.join(map(str, r))}\n"
                    for k, r in enumerate(res["routes"])) + f"Cost {res['cost']}\n")
        rows.append(["pyvrp", name, inst["n"] - 1, len(res["routes"]), res["cost"], cost,
                     ok and res["feasible"], wall, cpu, peak, a.time_limit_s, a.seed])
        s, p = rows[-2], rows[-1]
        print(f"{name}: stockroute {s[5]} ({s[3]} routes, ok={s[6]}, {s[7]:.1f} s, "
              f"{s[8]:.1f} cpu s, {s[9]:.0f} MB) | pyvrp {p[5]} ({p[3]} routes, ok={p[6]}, "
              f"{p[7]:.1f} s, {p[8]:.1f} cpu s, {p[9]:.0f} MB) | ratio {s[5] / p[5]:.4f}",
              flush=True)
    with open(out / "results.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    pairs = [(rows[i], rows[i + 1]) for i in range(0, len(rows), 2)]
    print("\n| instance | customers | stockroute cost | routes | PyVRP cost | routes | ratio |"
          " stockroute wall / CPU s / MB | PyVRP wall / CPU s / MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s, p in pairs:
        print(f"| {s[1]} | {s[2]} | {s[5]}{'' if s[6] else ' (INFEASIBLE)'} | {s[3]} | "
              f"{p[5]}{'' if p[6] else ' (INFEASIBLE)'} | {p[3]} | {s[5] / p[5]:.4f} | "
              f"{s[7]:.1f} / {s[8]:.1f} / {s[9]:.0f} | {p[7]:.1f} / {p[8]:.1f} / {p[9]:.0f} |")
    # A pair with an infeasible side (an unserved customer, a late arrival) has no
    # meaningful cost ratio: it is shown but left out of the mean, and counted.
    ratios = [s[5] / p[5] for s, p in pairs if s[6] and p[6]]
    if ratios:
        print(f"| **mean** ({len(ratios)} of {len(pairs)}, both feasible) | | | | | | "
              f"**{sum(ratios) / len(ratios):.4f}** | | |")
    print(f"\nraw rows: {out / 'results.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
