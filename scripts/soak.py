#!/usr/bin/env python3
"""A bounded soak run of one `stockroute serve` (issue 12): a mixed load for a fixed time,
with the server's resident memory and open file descriptors sampled throughout.

    scripts/soak.py [--duration-s 600] [--clients 4] [--bin target/release/stockroute]

The server listens on 127.0.0.1 only (a free port), with a temporary store, the Monaco
scenario loaded and its working directory at the repository root (experiment specs name
data/routing/...). Each client loops over a weighted mix of requests until the time is up:

- POST /v1/routes: a 20-60 stop problem, seeded, 2000 iterations (synchronous);
- POST /v1/forecasts: a 7-day forecast job of the loaded scenario (two cheap models);
- POST /v1/plans: the whole pipeline as a job (300 routing iterations);
- POST /v1/experiments: a 2-unit routing experiment on data/routing/A-n32-k5.vrp;
- DELETE /v1/jobs/{id}: a cancel of one of its own jobs, queued or running;
- GET /healthz, /metrics, /v1/jobs/{id}: polls.

Each client is a closed loop: it has at most --jobs-per-client (2) unfinished jobs and polls
them before it submits another, so the load is one the server can carry rather than a flood
that only measures the queue's 503s. Every job id is remembered; after the load stops, the script waits (bounded) until each one
is in a final state (succeeded, failed or cancelled) and counts the rest as lost. It
prints one JSON summary line (and writes it with --out): requests per kind and status,
5xx count, lost jobs, RSS and fd samples with the slope of a least-squares line over the
second half of the run (growth per minute), and exits 1 on any 5xx, lost job, a request
that got no answer, or a server that did not stop cleanly on SIGTERM.

Needs only the Python standard library. Each request has a 60 s client timeout; the whole
run is bounded by --duration-s plus the drain (--drain-s, default 120 s).
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FINAL = {"succeeded", "failed", "cancelled"}


def request(base, method, path, body=None, timeout=60.0):
    """(status, parsed JSON or text); status 0 when no answer came."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        req.add_header("content-type", "application/json")
        req.add_header("idempotency-key", uuid.uuid4().hex)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
        return 0, str(e)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def routes_problem(rng):
    n = rng.randint(20, 60)
    coords = [[0.0, 0.0]] + [[rng.uniform(-500, 500), rng.uniform(-500, 500)] for _ in range(n)]
    return {
        "name": "soak",
        "locations": {"coordinates": coords},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "count": 4, "capacity": [n], "start_depot": "D"}],
        "stops": [{"id": f"s{i}", "location": i + 1, "demand": [1]} for i in range(n)],
        "seed": rng.randint(0, 1000),
        "max_iterations": 2000,
        "time_limit_s": 2,
    }


def experiment_spec(rng):
    return {
        "spec": {
            "name": f"soak-{rng.randint(0, 10**9)}",
            "stage": "routing",
            "metric": "cost_per_order",
            "seed": rng.randint(0, 1000),
            "decision": {"min_effect": 0.0, "confidence": 0.95, "units": 2, "resamples": 200},
            "units": {"instances": ["data/routing/A-n32-k5.vrp"], "seeds": [1, 2]},
            "champion": {"label": "A", "max_iterations": 300},
            "challenger": {"label": "B", "max_iterations": 300, "seed_offset": 1000},
        }
    }


MIX = [  # (kind, weight)
    ("routes", 40),
    ("health", 15),
    ("metrics", 5),
    ("forecast", 10),
    ("plan", 6),
    ("experiment", 6),
    ("cancel", 8),
    ("poll", 10),
]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.jobs = set()
        self.no_answer = 0
        self.server_errors = []

    def add(self, kind, status, body):
        with self.lock:
            key = f"{kind} {status}"
            self.counts[key] = self.counts.get(key, 0) + 1
            if status == 0:
                self.no_answer += 1
            if status >= 500:
                self.server_errors.append((kind, status, str(body)[:300]))
            if status == 202 and isinstance(body, dict) and "id" in body:
                self.jobs.add(body["id"])


def client(base, seed, until, stats, max_jobs, only=None):
    """One closed-loop client: it keeps at most `max_jobs` of its jobs unfinished, as a
    real client that waits for its answers does (an open loop only measures the queue's
    refusals)."""
    rng = random.Random(seed)
    mine = []
    inflight = []
    mix = [(k, w) for k, w in MIX if only is None or k in only]
    kinds = [k for k, _ in mix]
    weights = [w for _, w in mix]
    while time.monotonic() < until:
        kind = rng.choices(kinds, weights)[0]
        if kind in ("forecast", "plan", "experiment") and len(inflight) >= max_jobs:
            still = []
            for job in inflight:
                status, body = request(base, "GET", f"/v1/jobs/{job}")
                stats.add("poll", status, body)
                if not (status == 200 and isinstance(body, dict) and body.get("state") in FINAL):
                    still.append(job)
            inflight = still
            if len(inflight) >= max_jobs:
                time.sleep(0.5)
                continue
        if kind == "routes":
            status, body = request(base, "POST", "/v1/routes", routes_problem(rng))
        elif kind == "health":
            status, body = request(base, "GET", "/healthz")
        elif kind == "metrics":
            status, body = request(base, "GET", "/metrics")
        elif kind == "forecast":
            body = {"horizon": 7, "models": ["window_average", "seasonal_naive"], "origins": 1}
            status, body = request(base, "POST", "/v1/forecasts", body)
        elif kind == "plan":
            body = {"seed": rng.randint(0, 100), "routing": {"max_iterations": 300},
                    "forecast": {"models": ["window_average"], "origins": 1}}
            status, body = request(base, "POST", "/v1/plans", body)
        elif kind == "experiment":
            status, body = request(base, "POST", "/v1/experiments", experiment_spec(rng))
        elif kind == "cancel":
            if not mine:
                continue
            status, body = request(base, "DELETE", f"/v1/jobs/{rng.choice(mine)}")
        else:
            if not mine:
                continue
            status, body = request(base, "GET", f"/v1/jobs/{rng.choice(mine)}")
        stats.add(kind, status, body)
        if status == 202 and isinstance(body, dict) and "id" in body and kind != "cancel":
            mine.append(body["id"])
            mine = mine[-20:]
            inflight.append(body["id"])


def sample(pid):
    """(rss_mb, open fds) of the process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            rss_kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        return rss_kb / 1024.0, len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, StopIteration):
        return None


def slope_per_min(points):
    """Least-squares slope of (t_s, v) points, per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    return 60.0 * sum((t - mt) * (v - mv) for t, v in points) / var


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration-s", type=float, default=600.0)
    ap.add_argument("--drain-s", type=float, default=120.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--sample-s", type=float, default=5.0)
    ap.add_argument("--only", type=lambda v: set(v.split(",")),
                    help="run only these kinds of the mix (comma-separated, e.g. forecast,poll)")
    ap.add_argument("--jobs-per-client", type=int, default=2,
                    help="unfinished jobs a client may have before it waits (closed loop)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "stockroute"))
    ap.add_argument("--out", help="also write the JSON summary here")
    args = ap.parse_args()
    if args.only and not args.only <= {k for k, _ in MIX}:
        sys.exit(f"--only takes kinds of {[k for k, _ in MIX]}")
    if not (1 <= args.clients <= 64 and 0 < args.duration_s <= 7200):
        sys.exit("--clients must be 1-64 and --duration-s 0-7200")
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"{args.bin} not found: cargo build --release (or pass --bin)")

    tmp = tempfile.mkdtemp(prefix="soak-")
    out = open(os.path.join(tmp, "server.out"), "w")
    log = open(os.path.join(tmp, "server.log"), "w")
    server = subprocess.Popen(
        [args.bin, "serve", "--addr", "127.0.0.1:0", "--store", os.path.join(tmp, "s.sqlite"),
         "--scenario", "data/scenarios/monaco", "--max-time-limit-s", "5", "--queue", "64",
         "--workers", "2", "--threads-per-job", "1", "--shutdown-grace-s", "10"],
        cwd=ROOT, stdout=out, stderr=log)
    addr = None
    for _ in range(600):
        with open(os.path.join(tmp, "server.out")) as f:
            for line in f:
                if line.startswith("listening on "):
                    addr = line.split()[-1]
        if addr or server.poll() is not None:
            break
        time.sleep(0.1)
    if not addr:
        server.kill()
        sys.exit(f"server did not start; log in {tmp}")
    base = f"http://{addr}"
    print(f"server {server.pid} on {base}, log in {tmp}", file=sys.stderr, flush=True)

    stats = Stats()
    started = time.monotonic()
    until = started + args.duration_s
    threads = [threading.Thread(target=client, args=(base, 1000 + i, until, stats, args.jobs_per_client,
                                      args.only),
                                daemon=True)
               for i in range(args.clients)]
    for t in threads:
        t.start()
    samples = []
    while time.monotonic() < until:
        s = sample(server.pid)
        if s is None:
            break
        samples.append((time.monotonic() - started, s[0], s[1]))
        time.sleep(args.sample_s)
    for t in threads:
        t.join(timeout=90)

    # Drain: every job reaches a final state, or is lost.
    deadline = time.monotonic() + args.drain_s
    pending = set(stats.jobs)
    states = {}
    while pending and time.monotonic() < deadline:
        for job in list(pending):
            status, body = request(base, "GET", f"/v1/jobs/{job}")
            if status == 200 and isinstance(body, dict) and body.get("state") in FINAL:
                states[body["state"]] = states.get(body["state"], 0) + 1
                pending.discard(job)
        if pending:
            time.sleep(1.0)
    after = sample(server.pid)

    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        code = "killed after 60 s"
    out.close()
    log.close()
    with open(os.path.join(tmp, "server.log")) as f:
        panics = sum(1 for line in f if "panicked" in line)

    half = [s for s in samples if s[0] >= args.duration_s / 2]
    summary = {
        "duration_s": args.duration_s,
        "clients": args.clients,
        "requests": sum(stats.counts.values()),
        "by_kind_status": dict(sorted(stats.counts.items())),
        "server_errors_5xx": len(stats.server_errors),
        "first_5xx": stats.server_errors[:5],
        "no_answer": stats.no_answer,
        "jobs": len(stats.jobs),
        "job_states": states,
        "lost_jobs": len(pending),
        "rss_mb": {"first": samples[0][1] if samples else None,
                   "max": max((s[1] for s in samples), default=None),
                   "last": samples[-1][1] if samples else None,
                   "after_drain": after[0] if after else None,
                   "slope_second_half_mb_per_min": round(slope_per_min([(t, r) for t, r, _ in half]), 3)},
        "fds": {"first": samples[0][2] if samples else None,
                "max": max((s[2] for s in samples), default=None),
                "last": samples[-1][2] if samples else None,
                "after_drain": after[1] if after else None,
                "slope_second_half_per_min": round(slope_per_min([(t, f) for t, _, f in half]), 3)},
        "samples": len(samples),
        "rss_mb_per_minute": [round(r, 1) for t, r, _ in samples[:: max(1, int(60 / args.sample_s))]],
        "server_exit": code,
        "panics_logged": panics,
    }
    line = json.dumps(summary)
    print(line)
    if args.out:
        with open(args.out, "w") as f:
            f.write(line + "\n")
    bad = (summary["server_errors_5xx"] or summary["lost_jobs"] or summary["no_answer"]
           or code != 0 or panics)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
