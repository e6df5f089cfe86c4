#!/usr/bin/env python3
"""Writes a Solomon / Gehring-Homberger VRPTW file as the service's JSON, optionally with a
second time window on every other customer (issue 13: several windows per stop) and with a
driver break for every vehicle (--breaks: issue 13's breaks, sized by the horizon so that
every family gets a comparable one: it starts between 40 % and 60 % of the depot's horizon
and lasts 5 % of it).

The second window opens one window-width after the first closes and is as wide, clipped to
the depot's horizon; with --extra 0 the JSON states the same problem as the text file, so
`stockroute route` gives the same answer on both for a seed and an iteration budget.

usage: scripts/solomon_windows.py ../shared/benchmarks/vrptw/R1_2_1.txt --extra 2 > r.json
       scripts/solomon_windows.py ../shared/benchmarks/vrptw/C101.txt --extra 0 --breaks > c.json
       scripts/solomon_windows.py ../shared/benchmarks/vrptw/R1_2_1.txt --extra 0 --split [--profiles] > p.json
(the benchmark files live in ../shared/benchmarks/vrptw beside the repository; the script
says so when the file is missing)

--backhaul B gives every customer a backhaul of B units (what it sends back to the depot),
so the load falls and rises along each route.

--open makes every route open: it ends at its last customer (issue 13: open routes, the
model's `open_end`), with no way back to the depot driven, timed or paid.

--balance MEASURE:WEIGHT adds a balanced-routes term to the objective (issue 13): the
weight times the longest route's duration (max_duration) or times the most customers on a
route less the fewest (stop_spread).

--reloads R lets every vehicle go back to the depot R times to reload (issue 13:
multi-trip, the model's `max_reloads`), with --reload-time T per reload; --capacity-factor F
scales the vehicles' capacity (a half-size van that reloads against a full one).

--split states the locations as an explicit distance matrix (exact Euclidean) and the fleet
as two vehicle types of half the vehicles each; --profiles then gives the second type a
profile of its own (issue 13: vehicle profiles), the same distances at 1.25 x the travel
time, so that the two runs differ only in the profile.
"""
import math
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--extra", type=int, default=2,
                    help="give every k-th customer a second window (0: none)")
    ap.add_argument("--breaks", action="store_true",
                    help="one break per vehicle: start in [0.4, 0.6] x horizon, 0.05 x horizon long")
    ap.add_argument("--split", action="store_true",
                    help="a distance matrix and two vehicle types of half the fleet each")
    ap.add_argument("--backhaul", type=int, default=0,
                    help="every customer sends this many units back to the depot (issue 13: backhauls)")
    ap.add_argument("--profiles", action="store_true",
                    help="with --split: the second type drives its own profile, 1.25 x slower")
    ap.add_argument("--open", action="store_true",
                    help="every route ends at its last customer (open_end)")
    ap.add_argument("--balance", default=None, metavar="MEASURE:WEIGHT",
                    help="a balanced-routes term: max_duration:W or stop_spread:W")
    ap.add_argument("--reloads", type=int, default=0,
                    help="every vehicle may reload this many times at the depot (max_reloads)")
    ap.add_argument("--reload-time", type=float, default=0.0,
                    help="time of one reload, in the file's time unit")
    ap.add_argument("--capacity-factor", type=float, default=1.0,
                    help="scale the vehicles' capacity by this factor (rounded down)")
    args = ap.parse_args()
    try:
        lines = open(args.file).read().splitlines()
    except FileNotFoundError:
        sys.exit(f"{args.file}: not found (the shared benchmarks sit in ../shared/benchmarks)")
    name = lines[0].strip()
    count, capacity = map(int, lines[4].split())
    rows = [list(map(float, l.split())) for l in lines[9:] if l.strip()]
    depot, customers = rows[0], rows[1:]
    horizon = depot[5]
    stops = []
    for i, r in enumerate(customers):
        ready, due = r[4], r[5]
        stop = {"id": str(int(r[0])), "location": i + 1, "demand": [int(r[3])],
                "service_time": r[6]}
        width = due - ready
        start, end = due + max(width, 1.0), due + max(width, 1.0) + width
        if args.extra and i % args.extra == 0 and end <= horizon and width > 0:
            stop["time_windows"] = [{"start": ready, "end": due}, {"start": start, "end": end}]
        else:
            stop["time_window"] = {"start": ready, "end": due}
        if args.backhaul:
            stop["backhaul"] = [args.backhaul]
        stops.append(stop)
    problem = {
        "name": name,
        "locations": {"coordinates": [[r[1], r[2]] for r in rows]},
        "depots": [{"id": "depot", "location": 0}],
        "vehicles": [{"id": "vehicle", "count": count, "capacity": [capacity],
                      "start_depot": "depot", "shift": {"start": depot[4], "end": horizon}}],
        "stops": stops,
        "objective": {"vehicles_first": True},
    }
    if args.open:
        problem["vehicles"][0]["open_end"] = True
    if args.reloads:
        problem["vehicles"][0]["max_reloads"] = args.reloads
        problem["vehicles"][0]["reload_time"] = args.reload_time
    if args.capacity_factor != 1.0:
        problem["vehicles"][0]["capacity"] = [int(capacity * args.capacity_factor)]
    if args.balance:
        measure, weight = args.balance.split(":")
        problem["objective"]["balance"] = {"measure": measure, "weight": float(weight)}
    if args.breaks:
        start, end = depot[4] + 0.4 * (horizon - depot[4]), depot[4] + 0.6 * (horizon - depot[4])
        problem["vehicles"][0]["breaks"] = [{"id": "break", "windows": [{"start": start, "end": end}],
                                             "duration": 0.05 * (horizon - depot[4])}]
    if args.split or args.profiles:
        points = [[r[1], r[2]] for r in rows]
        dist = [[math.dist(a, b) for b in points] for a in points]
        problem["locations"] = {"distance": dist}
        first = dict(problem["vehicles"][0], count=(count + 1) // 2)
        second = dict(problem["vehicles"][0], id="slow", count=count // 2)
        if args.profiles:
            second["profile"] = "slow"
            problem["profiles"] = [{"name": "slow", "distance": dist,
                                    "duration": [[1.25 * x for x in row] for row in dist]}]
        problem["vehicles"] = [first, second]
    json.dump(problem, sys.stdout)


if __name__ == "__main__":
    main()
