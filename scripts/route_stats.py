#!/usr/bin/env python3
"""Prints a one-line JSON digest of a routing answer (`stockroute route FILE --out A.json`,
the `POST /v1/routes` shape): routes, distance, cost, the longest and shortest route
durations, the most and fewest stops on a route and their spread, and the reloads made
(issue 13: balanced routes and multi-trip are judged on these).

usage: scripts/route_stats.py A.json
"""
import json
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    a = json.load(open(sys.argv[1]))
    routes = a["routes"]
    stops = [len(r["stops"]) for r in routes] or [0]
    durations = [r["duration"] for r in routes] or [0.0]
    print(json.dumps({
        "routes": len(routes),
        "distance": round(a["distance"], 2),
        "cost": round(a["cost"], 2),
        "unserved": len(a["unserved"]),
        "longest": round(max(durations), 2),
        "shortest": round(min(durations), 2),
        "most_stops": max(stops),
        "fewest_stops": min(stops),
        "spread": max(stops) - min(stops),
        "reloads": sum(len(r.get("reloads", [])) for r in routes),
    }))


if __name__ == "__main__":
    main()
