#!/usr/bin/env python3
"""End-to-end test of the planner's page in a real browser.

Starts the real `stockroute serve` (the debug build by default) on 127.0.0.1 on a free port
with the Monaco scenario and a fresh store, opens the page in headless Chromium (Playwright
driving Debian's `chromium`, no browser download), submits the in-repository example
problem (web/examples/monaco_day.json) and checks what the page shows against the JSON
answer the page itself received: one line per route on the map, one numbered marker per
served stop (1..n in visit order), the depot, the legend (distance, duration, load, stops),
every step (arrival, waiting, service, departure in HH:MM), the unserved stops with their
reason and the search effort, and one route's timeline (window, wait, service, arrival
per stop). Then an invalid problem must show the API's error message, and with the tile
server unreachable the routes must still be drawn.

The rest of the day, against the JSON each panel came from: the lists of plans, jobs and
forecast runs page by page ("more"), their live progress while a job runs and a job
cancelled from its list entry (and the polling stopped once nothing runs); a plan opened
from its list entry, with one route's timeline against the scenario's order windows
(`GET /v1/scenario/orders`), its unserved orders and their reasons, its stock by centre
with shadow prices, the plan's total forecast and one SKU/zone's forecast band
(`GET /v1/forecasts/{id}?sku=&zone=`); an experiment's verdict and report link; a picks
job (`POST /v1/picks`, a centre's day with an urgent order) opened by id, its building
drawn with the velocity heat of every slot and a batch's pick path, against the job's
result, and another batch drawn from the list. Any
console error, page error or failed request (other than the blocked tiles) fails the test.

    scripts/page_test.py [--binary target/debug/stockroute] [--screenshot docs/planner.png] [--page-size 3]

Needs `pip install playwright==1.65.2` (the Python package only: `playwright install` is
not needed) and `chromium` (apt-get install -y chromium). Every request leaving 127.0.0.1
is aborted, so the test runs offline. Exit 0 when every check passes.
"""

import argparse
import json
import re
import math
from decimal import ROUND_HALF_UP, Decimal
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
         "--scenario", "data/scenarios/monaco"],
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


def to_fixed(x, digits):
    """The page's num(): JavaScript's toFixed (halves away from zero on the exact value of
    the double, -0 shown as 0), "–" for null."""
    if not isinstance(x, (int, float)) or isinstance(x, bool) or not math.isfinite(x):
        return "–"
    if x == 0:
        x = 0.0
    return format(Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP), "f")


def stamp(text):
    """The page's stamp(): an RFC 3339 time as YYYY-MM-DD HH:MM:SS."""
    return f"{text[:10]} {text[11:19]}" if isinstance(text, str) else "–"


def progress(p):
    return f"{p['done']}/{p['total']}" + (f" {p['phase']}" if p.get("phase") else "")


def detail(v):
    """A value of a plan's unserved reason as the page writes it (views.js, detail)."""
    if isinstance(v, dict):
        return ", ".join(f"{k} {detail(x)}" for k, x in v.items())
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return to_fixed(v, 1)
    return "null" if v is None else str(v)


def plan_reason(u):
    """views.js, planReason: the code, the reason's other fields, the station."""
    r = u["reason"]
    if isinstance(r, dict) and "code" in r:
        rest = [(k, x) for k, x in r.items() if k != "code"]
        text = f"{r['code']} ({', '.join(f'{k} {detail(x)}' for k, x in rest)})" if rest \
            else str(r["code"])
    else:
        text = json.dumps(r, separators=(",", ":"))
    return f"{text}, station {u['station']}" if u.get("station") else text


class Checks:
    def __init__(self):
        self.failed = []
        self.passed = 0

    def eq(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed.append(f"{what}: page shows {got!r}, expected {want!r}")

    def near(self, what, got, want, tol=1e-6):
        if abs(got - want) <= tol * max(1.0, abs(want)):
            self.passed += 1
        else:
            self.failed.append(f"{what}: page draws {got!r}, expected {want!r}")


def texts(page, selector):
    return page.locator(selector).all_text_contents()


def solve_example(page, timeout_ms):
    page.click("#tab-solve")
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
             f"{r['vehicle_type']} {r['vehicle']}")
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


def check_plan_job(page, base, c, timeout_ms, screenshot):
    """A plan job opened by id: followed while it runs, then its routes, its timeline,
    unserved orders, stock and forecasts (and the screenshot); another cancelled."""
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
    done = get_json(f"{base}/v1/jobs/{job['id']}")
    p = done["progress"]
    c.eq("plan: the status line", page.locator("#status").text_content(),
         f"Job {job['id']} (plan): succeeded" + (f", {p['phase']}" if p["phase"] else "")
         + (f" {p['done']}/{p['total']}" if p["total"] else ""))
    check_plan_view(page, base, done, c, timeout_ms)
    if screenshot:
        page.wait_for_selector("#map[data-roads='drawn']", timeout=timeout_ms)
        page.screenshot(path=screenshot)
    check_unserved_plan(page, base, routing["stations"][0]["station"], c, timeout_ms)
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
        c.eq(f"{what}: the field shown only when the error names one",
             page.locator("#error .field").all_text_contents(),
             [f"field: {error['field']}"] if error.get("field") else [])
        c.eq(f"{what}: no stray 'null' in the error box",
             "null" in page.locator("#error").text_content(), False)
        heading = page.locator("#error h2").text_content()
        c.eq(f"{what}: status and code shown", heading,
             f"Error {response.status}: {error['code']}")


def check_timeline(page, c, what, stops, windows, route=None, breaks=()):
    """The selected route's timeline against the JSON: one row per stop in visit order, its
    service (start to departure), its wait (arrival to start, when it waits), its window
    (when it has one) and its arrival tick, each at the svg's own scale; a plan's route also
    its row from leaving the station to coming back. `stops`: `(id, arrival, start,
    departure)`; `windows`: `(start, end)` or None per stop; `route`: `(start, end)`;
    `breaks`: `(start, end)` per driver break, drawn on a row of their own."""
    svg = page.locator("#timeline svg.timeline")
    expect(svg).to_have_count(1)
    t0 = float(svg.get_attribute("data-t0-s"))
    scale = float(svg.get_attribute("data-px-per-s"))
    left = float(svg.get_attribute("data-left-px"))

    def bar(locator, label, start, end):
        c.eq(f"{label} count", locator.count(), 1)
        if locator.count() != 1:
            return
        got = [float(locator.get_attribute("data-from-s")), float(locator.get_attribute("data-to-s"))]
        c.eq(f"{label} seconds", got, [start, end])
        c.near(f"{label} x", float(locator.get_attribute("x")), left + (start - t0) * scale)
        c.near(f"{label} width", float(locator.get_attribute("width")), (end - start) * scale)

    rows = page.locator("#timeline g.tl-stop")
    c.eq(f"{what}: timeline rows", rows.count(), len(stops))
    for k, ((sid, arrival, start, departure), window) in enumerate(zip(stops, windows)):
        row = rows.nth(k)
        c.eq(f"{what}: timeline row {k + 1} label", row.locator("text.tl-label").text_content(),
             f"{k + 1}. {sid}")
        bar(row.locator("rect.tl-service"), f"{what}: stop {k + 1} service", start, departure)
        if start > arrival:
            bar(row.locator("rect.tl-wait"), f"{what}: stop {k + 1} wait", arrival, start)
        else:
            c.eq(f"{what}: stop {k + 1} has no wait", row.locator("rect.tl-wait").count(), 0)
        if window is not None:
            bar(row.locator("rect.tl-window"), f"{what}: stop {k + 1} window", *window)
        else:
            c.eq(f"{what}: stop {k + 1} has no window", row.locator("rect.tl-window").count(), 0)
        tick = row.locator("line.tl-arrival")
        c.eq(f"{what}: stop {k + 1} arrival", float(tick.get_attribute("data-at-s")), arrival)
        c.near(f"{what}: stop {k + 1} arrival x", float(tick.get_attribute("x1")),
               left + (arrival - t0) * scale)
    if route is not None:
        bar(page.locator("#timeline rect.tl-route"), f"{what}: on the road", *route)
    drawn = page.locator("#timeline g.tl-breaks rect.tl-break")
    c.eq(f"{what}: one bar per driver break", drawn.count(), len(breaks))
    for k, (start, end) in enumerate(breaks):
        if k < drawn.count():
            bar(drawn.nth(k), f"{what}: break {k + 1}", start, end)


def check_routes_timeline(page, answer, problem, c):
    """The example's first route, clicked in the legend: its timeline against the answer."""
    page.locator(".legend-item[data-route='0']").click()
    page.click("#dtab-timeline")
    expect(page.locator("#timeline")).to_have_attribute("data-route", "0")
    stops = {s["id"]: s for s in problem["stops"]}
    route = answer["routes"][0]
    windows = []
    for v in route["stops"]:
        w = stops[v["id"]].get("time_window")
        windows.append((w["start"], w["end"]) if w else None)
    check_timeline(page, c, "example route 0",
                   [(v["id"], v["arrival"], v["start"], v["departure"]) for v in route["stops"]],
                   windows)


def check_plan_view(page, base, job, c, timeout_ms):
    """An opened plan: one route's timeline against the scenario's windows, the unserved
    orders and their reasons, the stock by centre, the total forecast and one band."""
    result = job["result"]
    routing = result["routing"]
    orders = get_json(base + "/v1/scenario/orders?limit=10000")
    c.eq("orders: the plan's scenario is the loaded one", orders["scenario"], result["scenario"])
    window = {o["id"]: ((o["window_start_s"], o["window_end_s"])
                        if o["window_start_s"] is not None else None) for o in orders["items"]}
    routes = [r for s in routing["stations"] for r in s["routes"]]
    # The route with the most stops that waits or has windows shows most; the first otherwise.
    i = max(range(len(routes)), key=lambda k: (sum(window.get(v["order"]) is not None
                                                   for v in routes[k]["stops"]), -k))
    page.locator(f".legend-item[data-route='{i}']").click()
    page.click("#dtab-timeline")
    expect(page.locator("#timeline")).to_have_attribute("data-route", str(i))
    r = routes[i]
    check_timeline(page, c, f"plan route {i}",
                   [(v["order"], v["arrival_s"], v["start_s"], v["departure_s"]) for v in r["stops"]],
                   [window.get(v["order"]) for v in r["stops"]], (r["start_s"], r["end_s"]),
                   [(b["start_s"], b["end_s"]) for b in r.get("breaks", [])])
    c.eq("plan: the Monaco drivers take their lunch break", len(r.get("breaks", [])), 1)
    c.eq("plan: some stop of the timeline has a window",
         any(window.get(v["order"]) for v in r["stops"]), True)

    c.eq("plan: unserved orders and their reasons", texts(page, ".unserved-item"),
         [f"{u['order']}: {plan_reason(u)}" for u in routing["unserved"]])
    placed = [u for u in routing["unserved"] if u["order"] in window]
    c.eq("plan: unserved markers (orders the scenario places)",
         page.locator(".unserved-marker").count(), len(placed))

    page.click("#dtab-stock")
    placement = result["placement"]
    centres = placement["centres"]
    rows = page.locator("#stock-table tr.centre")
    c.eq("stock: one row per centre", rows.count(), len(centres))

    def share(used, cap):
        return f" ({to_fixed(used / cap * 100, 1)} %)" if cap > 0 else ""

    for k, ctr in enumerate(centres):
        row = rows.nth(k)
        cell = lambda f: row.locator(f"[data-k='{f}']").text_content()  # noqa: E731
        c.eq(f"stock: centre {ctr['centre']}", [
            row.locator("td").nth(0).text_content(), cell("stock"), cell("storage"),
            cell("throughput"), cell("storage-price"), cell("throughput-price")], [
            str(ctr["centre"]), to_fixed(ctr["stock_units"], 1),
            f"{to_fixed(ctr['storage_used_m3'], 2)} / {to_fixed(ctr['storage_m3'], 2)}"
            + share(ctr["storage_used_m3"], ctr["storage_m3"]),
            f"{to_fixed(ctr['shipped_units'], 1)} / {to_fixed(ctr['throughput_units'], 1)}"
            + share(ctr["shipped_units"], ctr["throughput_units"]),
            to_fixed(ctr["storage_shadow_price"], 4), to_fixed(ctr["throughput_shadow_price"], 4)])
    fill = placement["fill_rate"]
    dd = lambda k: page.locator(f"#stock-figures dd[data-k='{k}']").text_content()  # noqa: E731
    c.eq("stock: fill rates, expected and replayed", [
        dd("fill rate, expected (LP)"), dd("fill rate, replayed")], [
        f"{to_fixed(fill['expected'] * 100, 1)} %",
        f"{to_fixed(fill['replayed'] * 100, 1)} % of {to_fixed(fill['replay_demand_units'], 1)} "
        f"units, {fill['replay_from'] or '–'} to {fill['replay_to'] or '–'}"])

    page.click("#dtab-forecast")
    out = page.locator("#fc-out")
    expect(out).to_have_attribute("data-series", "total", timeout=timeout_ms)
    total = result["forecast"]["total"]["forecast"]
    c.eq("forecast: the plan's total, mean and P90", [
        [td.text_content() for td in tr.locator("td").all()] for tr in out.locator("tr.fc-row").all()],
        [[p["period"], to_fixed(p["mean"], 2), to_fixed(p["p90"], 2)] for p in total])
    run_id = result["forecast"]["run_id"]
    c.eq("forecast: the plan's run", page.locator("#forecast-body [data-k='run']").text_content(),
         run_id)
    sku = str(result["forecast"]["top_skus"][0]["sku"])
    page.select_option("#fc-sku", sku)
    zone_of = get_json(f"{base}/v1/forecasts/{run_id}?sku={sku}&limit=10000")["rows"]
    zone = str(zone_of[0]["zone"])
    expect(out).to_have_attribute("data-series", f"{sku}|{zone}", timeout=timeout_ms)
    series = get_json(f"{base}/v1/forecasts/{run_id}?sku={sku}&zone={zone}&limit=10000")
    levels = series["run"]["quantile_levels"]
    c.eq(f"forecast: {sku} in {zone}, header", [th.text_content() for th in out.locator("thead th").all()],
         ["period", "mean"] + [f"P{to_fixed(q * 100, 0)}" for q in levels])
    c.eq(f"forecast: {sku} in {zone}, rows", [
        [td.text_content() for td in tr.locator("td").all()] for tr in out.locator("tr.fc-row").all()],
        [[r["period"], to_fixed(r["mean"], 2)] + [to_fixed(q, 2) for q in r["quantiles"]]
         for r in series["rows"]])
    c.eq(f"forecast: {sku} in {zone}, band drawn", out.locator("polygon.fc-band").count(),
         1 if levels else 0)
    c.eq("forecast: the zones of the SKU", page.locator("#fc-zone option").all_text_contents(),
         list(dict.fromkeys(str(r["zone"]) for r in zone_of)))
    page.click("#dtab-timeline")


def check_unserved_plan(page, base, station, c, timeout_ms):
    """A plan that routes one station only: the orders of the others are unserved, listed
    with their reason and station, and marked on the map where the scenario places them."""
    body = {"seed": 9, "forecast": PLAN_BODY["forecast"],
            "routing": {"max_iterations": 200, "stations": [station]}}
    job = post_json(base + "/v1/plans", body)
    page.goto(f"{base}/?tiles=off&job={job['id']}")
    expect(page.locator(".job-state")).to_have_text(re.compile("succeeded$"), timeout=timeout_ms)
    page.wait_for_selector(".legend-item", timeout=timeout_ms)
    unserved = get_json(f"{base}/v1/jobs/{job['id']}")["result"]["routing"]["unserved"]
    c.eq("one station routed: some orders are unserved", len(unserved) > 0, True)
    c.eq("one station routed: unserved orders and their reasons", texts(page, ".unserved-item"),
         [f"{u['order']}: {plan_reason(u)}" for u in unserved])
    c.eq("one station routed: the count in the heading", page.locator("#unserved-count")
         .text_content(), str(len(unserved)))
    placed = {o["id"] for o in get_json(base + "/v1/scenario/orders?limit=10000")["items"]}
    c.eq("one station routed: unserved markers", page.locator(".unserved-marker").count(),
         sum(u["order"] in placed for u in unserved))


def list_fields(page, name, fields):
    return [[item.locator(f"[data-k='{f}']").first.text_content() for f in fields]
            for item in page.locator(f"#{name}-list li.item").all()]


def all_finished(base, path):
    return all(j["state"] not in ("queued", "running")
               for j in get_json(f"{base}{path}?limit=500")["items"])


def wait_until(what, ok, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ok():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


# A plan long enough to be cancelled while it runs: many routing iterations per station.
LONG_PLAN = {"seed": 11, "forecast": {"horizon": 7, "models": ["seasonal_naive"], "origins": 1},
             "routing": {"max_iterations": 1000000}}


def check_lists(page, base, c, timeout_ms, size):
    """The lists against the list endpoints, page by page; live progress and a cancel from
    the list; a plan and a forecast run opened from their entries."""
    for k in range(size + 1):
        body = {"history": [{"date": f"2026-01-{d + 1:02d}", "sku": f"S{k}", "zone": "Z",
                             "quantity": (d * 7 + k) % 5} for d in range(28)],
                "horizon": 7, "models": ["seasonal_naive"], "origins": 1}
        post_json(base + "/v1/forecasts", body)
    wait_until("every job to end", lambda: all_finished(base, "/v1/jobs"), timeout_ms / 1000)
    page.goto(f"{base}/?tiles=off&page_size={size}")
    page.wait_for_selector("#jobs-list li.item")
    expect(page.locator("#lists")).to_have_attribute("data-polling", "off")
    jobs = get_json(f"{base}/v1/jobs?limit={size}")
    fields = ["kind", "state", "progress", "id", "created"]
    want = lambda items: [[j["kind"], j["state"], progress(j["progress"]), j["id"],  # noqa: E731
                           stamp(j["created_at"])] for j in items]
    c.eq("lists: jobs, first page", list_fields(page, "jobs", fields), want(jobs["items"]))
    c.eq("lists: a first page that is not the last has 'more'",
         page.locator("#jobs-more").is_visible(), jobs["next_cursor"] is not None)
    page.click("#jobs-more")
    second = get_json(f"{base}/v1/jobs?limit={size}&cursor={jobs['next_cursor']}")
    expect(page.locator("#jobs-list li.item")).to_have_count(len(jobs["items"]) + len(second["items"]))
    c.eq("lists: jobs, two pages", list_fields(page, "jobs", fields),
         want(jobs["items"] + second["items"]))
    page.select_option("#jobs-kind", "plan")
    plan_jobs = get_json(f"{base}/v1/jobs?limit={size}&kind=plan")
    expect(page.locator("#jobs-list li.item")).to_have_count(len(plan_jobs["items"]))
    c.eq("lists: jobs of kind plan", list_fields(page, "jobs", ["id", "kind"]),
         [[j["id"], "plan"] for j in plan_jobs["items"]])
    page.select_option("#jobs-kind", "")
    plans = get_json(f"{base}/v1/plans?limit={size}")
    c.eq("lists: plans", list_fields(page, "plans", ["state", "progress", "id"]),
         [[p["state"], progress(p["progress"]), p["id"]] for p in plans["items"]])
    c.eq("lists: report links of succeeded plans",
         [a.get_attribute("href") for a in page.locator("#plans-list a.report").all()],
         [p["report"] for p in plans["items"] if p["report"]])
    runs = get_json(f"{base}/v1/forecasts?limit={size}")
    c.eq("lists: forecast runs", list_fields(page, "forecasts", ["id", "rows", "source"]),
         [[r["id"], f"{r['row_count']} rows", r["source"]] for r in runs["items"]])

    # Live: a long plan shows up running with its progress, is cancelled from its entry,
    # and the polling stops once nothing runs.
    long = post_json(base + "/v1/plans", LONG_PLAN)
    page.click("#refresh-lists")
    entry = page.locator(f"#plans-list li.item[data-id='{long['id']}']")
    expect(entry.locator("[data-k='state']")).to_have_text(re.compile("^(queued|running)$"))
    expect(page.locator("#lists")).to_have_attribute("data-polling", "on")
    expect(entry.locator("[data-k='state']")).to_have_text("running", timeout=timeout_ms)
    c.eq("lists: a running plan's progress", bool(re.fullmatch(
        r"\d+/\d+( .+)?", entry.locator("[data-k='progress']").text_content())), True)
    entry.locator("button.cancel").click()
    expect(entry.locator("[data-k='state']")).to_have_text("cancelled", timeout=timeout_ms)
    c.eq("lists: the cancelled plan's state", get_json(f"{base}/v1/jobs/{long['id']}")["state"],
         "cancelled")
    expect(page.locator("#lists")).to_have_attribute("data-polling", "off", timeout=timeout_ms)
    c.eq("lists: no cancel button once it ended", entry.locator("button.cancel").count(), 0)

    # A click on a succeeded plan opens it; on a forecast run, its forecast panel.
    done = next(p for p in plans["items"] if p["state"] == "succeeded")
    page.locator(f"#plans-list li.item[data-id='{done['id']}']").click()
    expect(page.locator(".job-state")).to_have_text(re.compile(f"{done['id']}.*succeeded$"))
    routing = get_json(f"{base}/v1/jobs/{done['id']}")["result"]["routing"]
    expect(page.locator(".legend-item")).to_have_count(
        sum(len(s["routes"]) for s in routing["stations"]), timeout=timeout_ms)
    run = runs["items"][0]
    page.locator(f"#forecasts-list li.item[data-id='{run['id']}']").click()
    expect(page.locator("#forecast-body [data-k='run']")).to_have_text(run["id"])
    first = get_json(f"{base}/v1/forecasts/{run['id']}?limit=1")["rows"][0]
    expect(page.locator("#fc-out")).to_have_attribute(
        "data-series", f"{first['sku']}|{first['zone']}", timeout=timeout_ms)


# The request example of POST /v1/experiments: two routing arms on A-n32-k5, three seeds.
EXPERIMENT = {"spec": {
    "name": "routing-iterations", "stage": "routing", "metric": "cost_per_order", "seed": 7,
    "decision": {"min_effect": 0.0, "confidence": 0.95, "units": 3, "resamples": 500},
    "units": {"instances": ["data/routing/A-n32-k5.vrp"], "seeds": [1, 2, 3]},
    "champion": {"label": "200 iterations", "max_iterations": 200},
    "challenger": {"label": "400 iterations", "max_iterations": 400, "seed_offset": 1000}}}


def check_experiments(page, base, c, timeout_ms):
    """An experiment run on the server: its verdict, units and report link in the list, and
    its primary metric's verdict in detail on a click."""
    job = post_json(base + "/v1/experiments", EXPERIMENT)
    wait_until("the experiment", lambda: get_json(f"{base}/v1/jobs/{job['id']}")["state"]
               not in ("queued", "running"), timeout_ms / 1000)
    c.eq("experiment job", get_json(f"{base}/v1/jobs/{job['id']}")["state"], "succeeded")
    page.goto(f"{base}/?tiles=off&tab=experiments")
    items = get_json(f"{base}/v1/experiments?limit=10")["items"]
    expect(page.locator("#experiments-list li.item")).to_have_count(len(items))
    c.eq("experiments: name, decision, status, units", list_fields(
        page, "experiments", ["name", "decision", "status", "units"]),
        [[e["name"], e["decision"] or "undecided", e["status"],
          f"{e['units_recorded']}/{e['planned_units']} units"] for e in items])
    c.eq("experiments: report links",
         [a.get_attribute("href") for a in page.locator("#experiments-list a.report").all()],
         [e["report"] for e in items if e["report"]])
    e = items[0]
    with urllib.request.urlopen(base + e["report"], timeout=30) as r:
        c.eq("experiments: the report link serves HTML", r.headers["content-type"],
             "text/html; charset=utf-8")
    page.locator(f"#experiments-list li.item[data-id='{e['id']}'] [data-k='name']").click()
    box = page.locator(f"#experiments-list li.item[data-id='{e['id']}'] .verdict")
    expect(box).to_be_visible()
    p = get_json(f"{base}{e['href']}")["experiment"]["verdict"]["primary"]
    dd = lambda k: box.locator(f"dd[data-k='{k}']").text_content()  # noqa: E731
    c.eq("experiments: the primary verdict", [dd("metric"), dd("improvement"), dd("decision")], [
        f"{p['metric']} ({'lower' if p['lower_is_better'] else 'higher'} is better)",
        f"{to_fixed(p['improvement'], 4)} [{to_fixed(p['ci_low'], 4)}, "
        f"{to_fixed(p['ci_high'], 4)}] at {to_fixed(p['confidence'] * 100, 0)} %",
        str(p["decision"])])
    c.eq("experiments: the list's decision is the verdict's", e["decision"], p["decision"])


def heat_colour(share):
    """warehouse.js, heatColour: pale yellow (slowest) to dark red (fastest)."""
    x = min(1.0, max(0.0, share))
    return f"hsl({round_half_up(55 - 55 * x)}, 90%, {round_half_up(85 - 45 * x)}%)"


def drawn_points(locator, top):
    """An SVG polyline's points back in metres (the drawing's y is top - y)."""
    pts = locator.get_attribute("points").split()
    return [[round(float(p.split(",")[0]), 6), round(top - float(p.split(",")[1]), 6)]
            for p in pts]


def rounded(points):
    return [[round(x, 6), round(y, 6)] for x, y in points]


def check_warehouse(page, base, c, timeout_ms):
    """A picks job (a scenario centre's day with an urgent order) opened by id: the layout,
    the velocity heat and a batch's pick path against the job's result; another batch
    drawn from the list."""
    sku = (ROOT / "data" / "scenarios" / "monaco" / "skus.csv").read_text().splitlines()[1]
    body = {"centre": "FC-VENTIMIGLIA", "max_paths": 6,
            "urgent": {"id": "RUSH", "arrives_s": 60,
                       "lines": [{"sku": sku.split(",")[0], "quantity": 1}]}}
    job = post_json(base + "/v1/picks", body)
    page.goto(f"{base}/?tiles=off&job={job['id']}")
    expect(page.locator(".job-state")).to_have_text(re.compile("succeeded$"), timeout=timeout_ms)
    page.wait_for_selector("#wh-drawing .pick-path", timeout=timeout_ms)
    r = get_json(f"{base}/v1/jobs/{job['id']}")["result"]
    v = r["view"]
    lay = v["layout"]
    c.eq("warehouse: aisles drawn", page.locator("#wh-drawing line.aisle").count(), lay["aisles"])
    c.eq("warehouse: aisle positions",
         [float(page.locator("#wh-drawing line.aisle").nth(i).get_attribute("data-x"))
          for i in range(lay["aisles"])], lay["aisle_x_m"])
    c.eq("warehouse: cross aisles drawn", page.locator("#wh-drawing line.cross-aisle").count(),
         lay["blocks"] + 1)
    slots = page.locator("#wh-drawing circle.slot")
    c.eq("warehouse: heat points drawn", slots.count(), len(v["heat"]))
    top = float(page.locator("#wh-drawing").get_attribute("data-top"))
    hot = max(range(len(v["heat"])), key=lambda i: v["heat"][i]["picks_per_day"])
    for i in sorted({0, len(v["heat"]) // 2, len(v["heat"]) - 1, hot}):
        want = v["heat"][i]
        s = slots.nth(i)
        c.eq(f"warehouse: slot {i} place and velocity",
             [float(s.get_attribute("data-x")), float(s.get_attribute("data-y")),
              float(s.get_attribute("data-picks")), s.get_attribute("fill")],
             [want["at_m"][0], want["at_m"][1], want["picks_per_day"],
              heat_colour(want["picks_per_day"] / v["heat_max"])])
        c.near(f"warehouse: slot {i} drawn at its y", float(s.get_attribute("cy")),
               top - want["at_m"][1])
    c.eq("warehouse: the fastest slot is the darkest", slots.nth(hot).get_attribute("fill"),
         heat_colour(1.0))
    c.eq("warehouse: batches listed", page.locator(".wh-batch").count(), len(v["batches"]))
    u = r["urgent"]
    shown = next((b for b in v["batches"] if b["index"] == u["batch"]), v["batches"][0])
    c.eq("warehouse: the urgent order's batch is drawn first",
         page.locator("#wh-drawing").get_attribute("data-batch"), str(shown["index"]))
    c.eq("warehouse: its path", drawn_points(page.locator("#wh-drawing .pick-path"), top),
         rounded(shown["path_m"]))
    c.eq("warehouse: its picks", page.locator("#wh-drawing circle.pick").count(),
         len(shown["picks_m"]))
    c.eq("warehouse: the depot", [float(page.locator("#wh-drawing .depot").get_attribute(k))
                                  for k in ("data-x", "data-y")], lay["depot_m"])
    fig = lambda k: page.locator(f"#wh-figures dd[data-k='{k}']").text_content()
    c.eq("warehouse: figures",
         [fig("travel"), fig("makespan, planned"), fig("urgent done, re-planned"),
          fig("urgent done, next wave")],
         [f"{to_fixed(r['travel_m'], 1)} m", span(r["makespan_s"]), clock(u["done_s"]),
          clock(u["next_wave_done_s"])])
    other = next(b for b in v["batches"] if b["index"] != shown["index"])
    page.locator(f".wh-batch[data-index='{other['index']}']").click()
    expect(page.locator("#wh-drawing")).to_have_attribute("data-batch", str(other["index"]),
                                                           timeout=timeout_ms)
    c.eq("warehouse: a clicked batch's path", drawn_points(
        page.locator("#wh-drawing .pick-path"), top), rounded(other["path_m"]))
    c.eq("warehouse: its length in the list",
         page.locator(f".wh-batch[data-index='{other['index']}'] [data-k='length']").text_content(),
         f"{to_fixed(other['length_m'], 1)} m")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=str(ROOT / "target" / "debug" / "stockroute"))
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--screenshot", help="save a PNG (1280x800) of the opened plan here")
    ap.add_argument("--page-size", type=int, default=3,
                    help="items per page of the page's lists (small, so 'more' is tested)")
    ap.add_argument("--timeout-s", type=float, default=60.0,
                    help="bound of each wait (server start, answer, element)")
    args = ap.parse_args()
    timeout_ms = args.timeout_s * 1000
    problem = json.loads(EXAMPLE.read_text())
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="page_test."))
    # The server runs in `work` and is given the scenario by a relative path (so the page
    # and the screenshot show `data/scenarios/monaco`, not this machine's folders); the
    # experiment's instance is there too, where the server resolves a spec's paths.
    (work / "data" / "routing").mkdir(parents=True)
    (work / "data" / "scenarios").mkdir()
    (work / "data" / "scenarios" / "monaco").symlink_to(ROOT / "data" / "scenarios" / "monaco")
    shutil.copy(ROOT / "data" / "routing" / "A-n32-k5.vrp", work / "data" / "routing")
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
            # The size the page must stay readable at (and the screenshot's).
            context = browser.new_context(viewport={"width": 1280, "height": 800})
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
            check_routes_timeline(page, answer, problem, c)
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
            check_plan_job(page, base, c, timeout_ms, args.screenshot)
            c.eq("console errors with the plan jobs", problems, [])

            # 3. The lists, live progress and a cancel from a list; an experiment's verdict.
            problems.clear()
            check_lists(page, base, c, timeout_ms, args.page_size)
            c.eq("console errors with the lists", problems, [])
            problems.clear()
            check_experiments(page, base, c, timeout_ms)
            c.eq("console errors with the experiments", problems, [])
            problems.clear()
            check_warehouse(page, base, c, timeout_ms)
            c.eq("console errors with the warehouse", problems, [])

            # 4. Tiles on but unreachable (as offline, in CI): the routes are still drawn.
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
