#!/usr/bin/env python3
"""EURO-NeurIPS 2022 dynamic variant: stockroute's dispatch policies beside PyVRP under greedy.

For each episode of a fixed, family-wide choice, in the same run and one after the other:
`stockroute dispatch INSTANCE --episode EPISODE --epoch-time-limit-s T --policy P --seed S
--out OUT` for each policy, and the same episode played by this script with PyVRP 0.14.1 as
the static solver under the greedy policy (every known request dispatched every epoch, each
epoch solved with `MaxRuntime(T)`), each under `/usr/bin/time -v` (wall, user + system CPU,
peak RSS). Every solution, PyVRP's included, is then replayed by `stockroute dispatch
--check` (the rules of ../shared/benchmarks/ortec/README.md: every request once, must-dispatch
ones in their epoch, routes feasible from the epoch's departure; cost = driving duration).
The upstream Python environment is not run here (it is not copied into the shared folder).

The episodes (fixed before any run): the README's instances `round(i * 19 / 4)` for
i = 0..4 (by customers: n200, n252, n309, n353, n880), seed i + 1 for the i-th.

Usage: cargo build --release
       pip install pyvrp==0.14.1
       python3 scripts/dispatch_bench.py [--ortec ../shared/benchmarks/ortec]
           [--epoch-time-limit-s 5] [--seed 1] [--policies greedy,lazy,sampling] [--no-pyvrp]
           [--bin target/release/stockroute] [--out docs/bench-raw/dispatch-5s] [EPISODE ...]
It reads the ORTEC data from ../shared (CC BY-NC, never copied into the repository); it says
so and exits with status 2 when the folder is missing.

Internal: `dispatch_bench.py --play-pyvrp INSTANCE EPISODE T SEED OUT` plays one episode with
PyVRP (the script runs itself this way under /usr/bin/time).
"""

import argparse
import csv
import json
import pathlib
import re
import subprocess
import sys

EPOCH, MARGIN = 3600, 3600
HEADER = ["episode", "solver", "policy", "cost", "valid", "routes", "wall_s", "cpu_s",
          "peak_mb", "epoch_time_limit_s", "seed"]


def read_instance(path):
    """Matrix, demands, service times, windows, capacity of an ORTEC instance."""
    head, sections, current = {}, {}, None
    for line in pathlib.Path(path).read_text().splitlines():
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
    coords = {r[0] - 1: r[1:] for r in sections["NODE_COORD_SECTION"]}
    window = {r[0] - 1: r[1:] for r in sections["TIME_WINDOW_SECTION"]}
    return {
        "matrix": [flat[i * n:(i + 1) * n] for i in range(n)],
        "capacity": int(head["CAPACITY"]),
        "coords": [coords[i] for i in range(n)],
        "horizon": window[0][1],
        "readies": [window[i][0] for i in range(1, n)],
    }


def read_episode(path):
    with open(path) as f:
        rows = [{k: int(v) for k, v in r.items()} for r in csv.DictReader(f)]
    return rows


def play_pyvrp(instance_path, episode_path, tlim, seed, out):
    """Greedy dispatch with PyVRP: every known request goes out every epoch."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    inst = read_instance(instance_path)
    reqs = read_episode(episode_path)
    # The episode's epochs, by the rules: from the customers' ready times.
    start = max((min(inst["readies"]) - MARGIN) // EPOCH, 0)
    end = max((max(inst["readies"]) - MARGIN) // EPOCH, 0)
    m_ = inst["matrix"]
    done, log = set(), {}
    for epoch in range(start, end + 1):
        p = EPOCH * epoch + MARGIN
        known = [r for r in reqs if r["release_epoch"] <= epoch and r["request"] not in done]
        routes = []
        if known:
            m = Model()
            nodes = [0] + [r["node"] for r in known]
            locs = [m.add_location(*inst["coords"][v]) for v in nodes]
            depot = m.add_depot(locs[0], tw_early=p, tw_late=inst["horizon"])
            m.add_vehicle_type(len(known), capacity=inst["capacity"], start_depot=depot,
                               end_depot=depot, tw_early=p, tw_late=inst["horizon"])
            for loc, r in zip(locs[1:], known):
                m.add_client(loc, delivery=r["demand"], service_duration=r["service"],
                             tw_early=r["ready"], tw_late=r["due"])
            for i, a in enumerate(nodes):
                for j, b in enumerate(nodes):
                    m.add_edge(locs[i], locs[j], distance=m_[a][b], duration=m_[a][b])
            res = m.solve(stop=MaxRuntime(tlim), seed=seed, display=False)
            sol = res.best
            if not sol.is_feasible():
                print(f"epoch {epoch}: PyVRP found no feasible solution", file=sys.stderr)
            for route in sol.routes():
                ids = [known[x.idx]["request"] for x in route if x.is_client()]
                routes.append(ids)
                done.update(ids)
        log[str(epoch)] = routes
    pathlib.Path(out).write_text(json.dumps(log))


def timed(cmd):
    """Runs cmd under /usr/bin/time -v: (stdout, wall s, cpu s, peak MB, exit code)."""
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    err = proc.stderr

    def grab(pattern):
        m = re.search(pattern, err)
        return m.group(1) if m else None

    wall = grab(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)")
    secs = 0.0
    for part in (wall or "0").split(":"):
        secs = secs * 60 + float(part)
    cpu = float(grab(r"User time \(seconds\): ([\d.]+)") or 0) + float(
        grab(r"System time \(seconds\): ([\d.]+)") or 0)
    peak = int(grab(r"Maximum resident set size \(kbytes\): (\d+)") or 0) / 1024
    if proc.returncode != 0:
        print(err[-2000:], file=sys.stderr)
    return proc.stdout, secs, cpu, peak, proc.returncode


def default_episodes(ortec):
    table = (ortec / "README.md").read_text()
    names = re.findall(r"^\| (ORTEC-VRPTW-ASYM-[^ ]+) \|", table, re.M)
    assert len(names) == 20, "the README's instance table changed"
    return [f"{names[round(i * 19 / 4)]}-s{i + 1}" for i in range(5)]


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--play-pyvrp":
        _, _, inst, ep, tlim, seed, out = sys.argv
        play_pyvrp(inst, ep, float(tlim), int(seed), out)
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ortec", default="../shared/benchmarks/ortec")
    ap.add_argument("--epoch-time-limit-s", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--policies", default="greedy,lazy,sampling")
    ap.add_argument("--no-pyvrp", action="store_true")
    ap.add_argument("--bin", default="target/release/stockroute")
    ap.add_argument("--out", default="docs/bench-raw/dispatch-5s")
    ap.add_argument("episodes", nargs="*")
    a = ap.parse_args()
    ortec = pathlib.Path(a.ortec)
    if not (ortec / "episodes").is_dir():
        print(f"{ortec}/episodes not found: this benchmark needs the shared ORTEC data "
              "(../shared/benchmarks/ortec)", file=sys.stderr)
        sys.exit(2)
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    episodes = a.episodes or default_episodes(ortec)
    rows = []
    for ep in episodes:
        inst = ortec / f"{ep.rsplit('-s', 1)[0]}.txt"
        csv_path = ortec / "episodes" / f"{ep}.csv"
        runs = [("stockroute", p) for p in a.policies.split(",") if p]
        if not a.no_pyvrp:
            runs.append(("pyvrp", "greedy"))
        for solver, policy in runs:
            sol = out / f"{ep}.{solver}-{policy}.json"
            if solver == "stockroute":
                cmd = [a.bin, "dispatch", str(inst), "--episode", str(csv_path),
                       "--epoch-time-limit-s", str(a.epoch_time_limit_s), "--policy", policy,
                       "--seed", str(a.seed), "--out", str(sol)]
            else:
                cmd = [sys.executable, __file__, "--play-pyvrp", str(inst), str(csv_path),
                       str(a.epoch_time_limit_s), str(a.seed), str(sol)]
            _, wall, cpu, peak, code = timed(cmd)
            check = subprocess.run([a.bin, "dispatch", str(inst), "--episode", str(csv_path),
                                    "--check", str(sol)], capture_output=True, text=True)
            verdict = json.loads(check.stdout) if check.stdout.strip() else {}
            routes = sum(len(r) for r in json.loads(sol.read_text()).values()) if sol.exists() else 0
            row = [ep, solver, policy, verdict.get("cost"), bool(verdict.get("valid")) and code == 0,
                   routes, round(wall, 2), round(cpu, 2), round(peak, 1), a.epoch_time_limit_s,
                   a.seed]
            rows.append(row)
            print(",".join(map(str, row)), flush=True)
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    # The table: mean cost per (solver, policy) and the ratio to PyVRP greedy per episode.
    by = {}
    for r in rows:
        by.setdefault((r[1], r[2]), {})[r[0]] = r
    base = by.get(("pyvrp", "greedy"), {})
    print("\n| solver | policy | valid | mean cost | mean ratio to PyVRP greedy | wall s | cpu s | peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    for (solver, policy), eps in by.items():
        costs = [r[3] for r in eps.values() if r[3] is not None]
        ratios = [eps[e][3] / base[e][3] for e in eps if e in base and base[e][3] and eps[e][3]]
        valid = sum(1 for r in eps.values() if r[4])
        mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
        print(f"| {solver} | {policy} | {valid}/{len(eps)} | {mean(costs):,.0f} | "
              f"{mean(ratios):.3f} | {mean([r[6] for r in eps.values()]):.1f} | "
              f"{mean([r[7] for r in eps.values()]):.1f} | {max(r[8] for r in eps.values()):.0f} |")


if __name__ == "__main__":
    main()
