#!/usr/bin/env python3
"""End-to-end test of the planner's page in a real browser.

Starts the real `stockroute serve` (the debug build by default) on 127.0.0.1 on a free port
with the Monaco scenario and a fresh store, opens the page in headless Chromium (Playwright
driving Debian's `chromium`, no browser download), submits the in-repository example
problem (web/examples/monaco_day.json) and checks what the page shows against the JSON
answer the page itself received: one line per route on the map, one numbered marker per
served stop (1..n in visit order), the depot, the legend (distance, duration, load, stops),
every step (arrival, waiting, service, departure in HH:MM), the unserved stops with their
reason and the search effort. Then an invalid problem must show the API's error message,
and with the tile server unreachable the routes must still be drawn. Any console error,
page error or failed request (other than the blocked tiles) fails the test.

    scripts/page_test.py [--binary target/debug/stockroute] [--screenshot docs/planner.png]

Needs `pip install playwright==1.65.2` (the Python package only: `playwright install` is
not needed) and `chromium` (apt-get install -y chromium). Every request leaving 127.0.0.1
is aborted, so the test runs offline. Exit 0 when every check passes.
"""

import argparse
import json
import re
import math
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "web" / "examples" / "monaco_day.json"
TILE_HOST = "https://tile.openstreetmap.org/"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, workdir, timeout_s):
    port = free_port()
    log = open(workdir / "serve.log", "w")
    proc = subprocess.Popen(
        [str(binary), "serve", "--addr", f"127.0.0.1:{port}",
         "--store", str(workdir / "store.sqlite"),
         "--scenario", str(ROOT / "data" / "scenarios" / "monaco")],
        stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"stockroute serve exited with {proc.returncode}:\n"
                             + (workdir / "serve.log").read_text())
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"stockroute serve did not answer /healthz within {timeout_s} s")


# The page's formatters, restated: the test compares the page with the JSON answer.
def clock(seconds):
    m = max(0, round_half_up(seconds / 60))
    return f"{m // 60:02d}:{m % 60:02d}"


def span(seconds):
    m = max(0, round_half_up(seconds / 60))
    return f"{m // 60}:{m % 60:02d} h"


def minutes(seconds):
    return f"{max(0, round_half_up(seconds / 60))} min"


def round_half_up(x):
    """JavaScript's Math.round (halves up), not Python's banker's rounding."""
    return math.floor(x + 0.5)


class Checks:
    def __init__(self):
        self.failed = []
        self.passed = 0

    def eq(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed.append(f"{what}: page shows {got!r}, expected {want!r}")


def texts(page, selector):
    return page.locator(selector).all_text_contents()


def solve_example(page, timeout_ms):
    page.click("#load-example")
    expect(page.locator("#problem")).not_to_have_value("", timeout=timeout_ms)
    with page.expect_response(lambda r: "/v1/routes" in r.url, timeout=timeout_ms) as resp:
        page.click("#solve")
    response = resp.value
    if response.status != 200:
        raise SystemExit(f"the example was refused: {response.status} {response.text()}")
    answer = response.json()
    expect(page.locator(".legend-item")).to_have_count(len(answer["routes"]), timeout=timeout_ms)
    return answer


def check_answer(page, answer, problem, c):
    routes = answer["routes"]
    c.eq("route lines on the map", page.locator("path.route-line").count(), len(routes))
    want_numbers = sorted(str(k + 1) for r in routes for k in range(len(r["stops"])))
    c.eq("numbered stop markers", sorted(texts(page, ".stop-marker")), want_numbers)
    c.eq("depot markers", page.locator(".depot-marker").count(), len(problem["depots"]))
    stops = {s["id"]: s for s in problem["stops"]}
    capacity = {v["id"]: v["capacity"] for v in problem["vehicles"]}
    for i, r in enumerate(routes):
        item = page.locator(f".legend-item[data-route='{i}']")
        field = lambda k: item.locator(f"[data-k='{k}']").text_content()  # noqa: E731
        c.eq(f"legend {i} vehicle", item.locator(".vehicle").text_content(),
             f"{r['vehicle_type']} {r['vehicle'] + 1}")
        c.eq(f"legend {i} distance", field("distance"), f"{r['distance'] / 1000:.2f} km")
        c.eq(f"legend {i} duration", field("duration"), span(r["duration"]))
        cap = capacity[r["vehicle_type"]]
        load = [sum(stops[v["id"]].get("demand", [0] * len(cap))[k] for v in r["stops"])
                for k in range(len(cap))]
        c.eq(f"legend {i} load", field("load"),
             f"{', '.join(map(str, load))} / {', '.join(map(str, cap))}")
        c.eq(f"legend {i} stops", field("stops"), str(len(r["stops"])))
        rows = page.locator(f".route-steps[data-route='{i}'] tr.step")
        c.eq(f"route {i} steps", rows.count(), len(r["stops"]))
        for k, v in enumerate(r["stops"]):
            row = rows.nth(k)
            got = [row.locator(f"[data-k='{f}']").text_content()
                   for f in ("arrival", "waiting", "service", "departure")]
            want = [clock(v["arrival"]), minutes(v["start"] - v["arrival"]),
                    minutes(v["departure"] - v["start"]), clock(v["departure"])]
            c.eq(f"route {i} step {k + 1} ({v['id']})", got, want)
            c.eq(f"route {i} step {k + 1} id", row.locator("td").nth(1).text_content(), v["id"])
    c.eq("unserved list", texts(page, ".unserved-item"),
         [f"{u['id']}: {u['reason']}" for u in answer["unserved"]])
    c.eq("unserved markers", page.locator(".unserved-marker").count(), len(answer["unserved"]))
    effort = answer["effort"]
    dd = lambda k: page.locator(f"#effort dd[data-k='{k}']").text_content()  # noqa: E731
    c.eq("effort iterations", dd("iterations"), str(effort["iterations"]))
    c.eq("effort stop reason", dd("stop reason"), effort["stop_reason"])
    c.eq("effort degraded", dd("degraded"),
         "yes: only the first plan" if effort["degraded"] else "no")
    c.eq("feasible", page.locator("#figures dd[data-k='feasible']").text_content(),
         "yes" if answer["feasible"] else "no")


def post_json(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


# A short planning run on the Monaco scenario: one model, one origin, few iterations.
PLAN_BODY = {"forecast": {"horizon": 7, "models": ["seasonal_naive"], "origins": 1},
             "routing": {"max_iterations": 200}}


def check_plan_job(page, base, c, timeout_ms):
    """A plan job opened by id: followed while it runs, then its routes; another cancelled."""
    job = post_json(base + "/v1/plans", {"seed": 7, **PLAN_BODY})
    page.goto(f"{base}/?tiles=off&job={job['id']}")
    # Locator waits, not wait_for_function: the page's policy forbids eval, the test's too.
    state = page.locator(".job-state")
    expect(state).to_have_text(re.compile("succeeded$"), timeout=timeout_ms)
    page.wait_for_selector(".legend-item", timeout=timeout_ms)
    routing = get_json(f"{base}/v1/jobs/{job['id']}")["result"]["routing"]
    routes = [(s, r) for s in routing["stations"] for r in s["routes"]]
    c.eq("plan: route lines", page.locator("path.route-line").count(), len(routes))
    c.eq("plan: stop markers", page.locator(".stop-marker").count(),
         sum(len(r["stops"]) for _, r in routes))
    c.eq("plan: depot markers", page.locator(".depot-marker").count(), len(routing["stations"]))
    for i, (s, r) in enumerate(routes):
        item = page.locator(f".legend-item[data-route='{i}']")
        c.eq(f"plan: legend {i}", [item.locator(".vehicle").text_content(),
                                   item.locator("[data-k='distance']").text_content(),
                                   item.locator("[data-k='duration']").text_content()],
             [f"{s['station']} · {r['vehicle_type']} {r['vehicle']}",
              f"{r['distance_km']:.2f} km", span(r["end_s"] - r["start_s"])])
        first = page.locator(f".route-steps[data-route='{i}'] tr.step").first
        c.eq(f"plan: route {i} first arrival",
             first.locator("[data-k='arrival']").text_content(), clock(r["stops"][0]["arrival_s"]))
    c.eq("plan: served", page.locator("#figures dd[data-k='orders served']").text_content(),
         f"{routing['served']} of {routing['orders']}")
    # Another job, cancelled from the page while it is queued or running.
    other = post_json(base + "/v1/plans", {"seed": 8, **PLAN_BODY})
    page.fill("#job-id", other["id"])
    page.click("#open-job")
    page.click("#cancel-job", timeout=timeout_ms)
    expect(page.locator(".job-state")).to_have_text(re.compile("cancelled$"), timeout=timeout_ms)
    c.eq("plan: cancelled job's state", get_json(f"{base}/v1/jobs/{other['id']}")["state"],
         "cancelled")


# A planar problem ([x, y], no roads): drawn on Leaflet's flat CRS, distances in its units.
PLANAR = {
    "name": "square",
    "locations": {"coordinates": [[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]},
    "depots": [{"id": "hub", "location": 0}],
    "vehicles": [{"id": "van", "count": 2, "capacity": [2], "start_depot": "hub"}],
    "stops": [{"id": s, "location": i + 1, "demand": [1]} for i, s in enumerate("abcd")],
    "time_limit_s": 5, "seed": 7, "max_iterations": 200,
}


def check_planar(page, c, timeout_ms):
    page.fill("#problem", json.dumps(PLANAR))
    page.uncheck("#roads")
    with page.expect_response(lambda r: "/v1/routes" in r.url, timeout=timeout_ms) as resp:
        page.click("#solve")
    answer = resp.value.json()
    routes = answer["routes"]
    expect(page.locator(".legend-item")).to_have_count(len(routes), timeout=timeout_ms)
    c.eq("planar: route lines", page.locator("path.route-line").count(), len(routes))
    c.eq("planar: stop markers", page.locator(".stop-marker").count(), len(PLANAR["stops"]))
    c.eq("planar: legend distances", page.locator(".legend-item [data-k='distance']")
         .all_text_contents(), [f"{r['distance']:.1f} (problem units)" for r in routes])


def check_errors(page, problem, c, timeout_ms):
    """An invalid problem and a malformed one: the page shows the API's own message."""
    bad = json.loads(json.dumps(problem))
    bad["vehicles"][0]["start_depot"] = "nowhere"
    for what, text in [("invalid problem", json.dumps(bad)), ("malformed JSON", "{\"stops\": [")]:
        page.fill("#problem", text)
        with page.expect_response(lambda r: "/v1/routes" in r.url, timeout=timeout_ms) as resp:
            page.click("#solve")
        response = resp.value
        c.eq(f"{what}: refused", response.status in (400, 422), True)
        error = response.json()["error"]
        page.wait_for_selector("#error:not([hidden])", timeout=timeout_ms)
        c.eq(f"{what}: message shown", page.locator("#error .message").text_content(),
             error["message"])
        heading = page.locator("#error h2").text_content()
        c.eq(f"{what}: status and code shown", heading,
             f"Error {response.status}: {error['code']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=str(ROOT / "target" / "debug" / "stockroute"))
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--screenshot", help="save a PNG of the solved example here")
    ap.add_argument("--timeout-s", type=float, default=60.0,
                    help="bound of each wait (server start, answer, element)")
    args = ap.parse_args()
    timeout_ms = args.timeout_s * 1000
    problem = json.loads(EXAMPLE.read_text())
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="page_test."))
    proc, base = start_server(Path(args.binary).resolve(), work, args.timeout_s)
    c = Checks()
    problems = []  # console errors, page errors, failed requests
    try:
        with urllib.request.urlopen(base + "/", timeout=args.timeout_s) as r:
            if "built without the planner's page" in r.read().decode():
                raise SystemExit(f"{args.binary} was built without the planner's page (no npm "
                                 "at build time?): rebuild with STOCKROUTE_REQUIRE_WEB=1")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, headless=True)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            blocked = []

            def offline(route):
                if route.request.url.startswith(base + "/"):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", offline)
            page = context.new_page()
            page.set_default_timeout(timeout_ms)

            def on_console(msg):
                if msg.type == "error":
                    problems.append((msg.text, msg.location.get("url", "")))

            page.on("console", on_console)
            page.on("pageerror", lambda e: problems.append((f"page error: {e}", "")))
            page.on("requestfailed", lambda r: problems.append(
                (f"request failed: {r.url} {r.failure}", r.url)))

            # 1. Tiles off: the map draws on a blank background; nothing may fail.
            page.goto(base + "/?tiles=off")
            answer = solve_example(page, timeout_ms)
            check_answer(page, answer, problem, c)
            # The base map: the scenario's own streets under the routes, no tile server.
            page.wait_for_selector("#map[data-roads='drawn']", timeout=timeout_ms)
            roads = get_json(base + "/v1/scenario/roads")
            lines = roads["features"][0]["geometry"]["coordinates"]
            c.eq("road base map drawn (one path of the scenario's streets)",
                 page.locator("path.road-base").count(), 1)
            c.eq("road base map has the streets", len(lines) > 100, True)
            page.locator(".legend-item[data-route='0']").click()
            c.eq("a clicked legend entry selects its route",
                 page.locator(".route-steps.selected").get_attribute("data-route"), "0")
            if args.screenshot:
                page.screenshot(path=args.screenshot, full_page=True)
            check_planar(page, c, timeout_ms)
            c.eq("console errors, page errors, failed requests (tiles off)", problems, [])
            check_errors(page, problem, c, timeout_ms)
            # Chromium logs each 4xx answer as "Failed to load resource": exactly the two
            # refusals asked for above may be there, nothing else.
            refused = [p for p in problems if p[0].startswith("Failed to load resource: the "
                       "server responded with a status of 4") and "/v1/routes" in p[1]]
            c.eq("console errors besides the two refusals", [p for p in problems
                                                             if p not in refused], [])
            c.eq("refusals logged by the browser", len(refused), 2)
            c.eq("requests off 127.0.0.1 (tiles off)", blocked, [])

            # 2. A plan job the server holds, opened by its id; another one cancelled.
            problems.clear()
            check_plan_job(page, base, c, timeout_ms)
            c.eq("console errors with the plan jobs", problems, [])

            # 3. Tiles on but unreachable (as offline, in CI): the routes are still drawn.
            problems.clear()
            page.goto(base + "/")
            answer = solve_example(page, timeout_ms)
            c.eq("route lines with the tiles unreachable",
                 page.locator("path.route-line").count(), len(answer["routes"]))
            page.wait_for_selector("#map-note:not([hidden])", timeout=timeout_ms)
            c.eq("tile requests tried", len(blocked) > 0 and all(
                u.startswith(TILE_HOST) for u in blocked), True)
            others = [p for p in problems if not p[1].startswith(TILE_HOST)]
            c.eq("errors other than the blocked tiles", others, [])
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    for f in c.failed:
        print("FAIL", f, file=sys.stderr)
    if c.failed:
        print((work / "serve.log").read_text(), file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"page test took {time.monotonic() - started:.1f} s")
    print(f"page_test: {c.passed} passed, {len(c.failed)} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
