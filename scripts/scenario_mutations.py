#!/usr/bin/env python3
"""Mutated copies of the Monaco scenario through `validate`, then `plan` (issue 12, item 3).

    scripts/scenario_mutations.py [--bin target/debug/stockroute] [NAME...]

Each mutation edits one copy of data/scenarios/monaco (a value raised to an extreme or to
its documented bound, a stray date, a damaged road extract, ...), runs `stockroute
validate` on it and, when that passes, a short `stockroute plan` (two cheap forecast
models, one origin, 500 routing iterations). A line per mutation; the run fails (exit 1)
when any scenario passes `validate` and then fails `plan`: what `validate` accepts, `plan`
must carry through. Bounded: each command has a 120 s timeout; a plan still running then
is listed as `slow` (a long run, not a failure: the horizon at its bound on Monaco asks for
21 M forecast rows). Needs only the Python standard library and the built binary.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "data", "scenarios", "monaco")
M = {}
def m(name):
    def deco(f): M[name] = f; return f
    return deco
def sub(path, old, new, count=1):
    s = open(path).read()
    assert old in s, (path, old)
    open(path, "w").write(s.replace(old, new, count))
def append(path, text):
    open(path, "a").write(text)
def lines(path, f):
    ls = open(path).read().split("\n")
    open(path, "w").write("\n".join(f(ls)))
@m("roads_garbage")
def _(d): open(f"{d}/roads.osm.pbf","wb").write(b"not a pbf file at all\n"*10)
@m("roads_truncated")
def _(d):
    b = open(f"{d}/roads.osm.pbf","rb").read(); open(f"{d}/roads.osm.pbf","wb").write(b[:len(b)//2])
@m("roads_empty")
def _(d): open(f"{d}/roads.osm.pbf","wb").write(b"")
@m("horizon_zero")
def _(d): sub(f"{d}/scenario.toml","horizon_periods = 28","horizon_periods = 0")
@m("horizon_huge")
def _(d): sub(f"{d}/scenario.toml","horizon_periods = 28","horizon_periods = 100000")
@m("horizon_10k")
def _(d): sub(f"{d}/scenario.toml","horizon_periods = 28","horizon_periods = 10000")
@m("period_week")
def _(d): sub(f"{d}/scenario.toml",'period = "day"','period = "week"')
@m("history_one_day")
def _(d): lines(f"{d}/demand.csv", lambda ls: [ls[0]]+[l for l in ls[1:] if l.startswith("2011-12-09")]+[""])
@m("history_three_days")
def _(d): lines(f"{d}/demand.csv", lambda ls: [ls[0]]+[l for l in ls[1:] if l[:10] in ("2011-12-07","2011-12-08","2011-12-09")]+[""])
@m("demand_all_zero")
def _(d): lines(f"{d}/demand.csv", lambda ls: [ls[0]]+[",".join(l.split(",")[:3]+["0"]) for l in ls[1:] if l]+[""])
@m("demand_huge_qty")
def _(d): lines(f"{d}/demand.csv", lambda ls: [ls[0], ",".join(ls[1].split(",")[:3]+["1e300"])]+ls[2:])
@m("demand_qty_1e200_all")
def _(d): lines(f"{d}/demand.csv", lambda ls: [ls[0]]+[",".join(l.split(",")[:3]+["1e200"]) for l in ls[1:] if l]+[""])
@m("sku_value_huge")
def _(d): lines(f"{d}/skus.csv", lambda ls: [ls[0], ",".join(ls[1].split(",")[:3]+["1e300"])]+ls[2:])
@m("sku_volume_huge")
def _(d): lines(f"{d}/skus.csv", lambda ls: [ls[0]]+[",".join([l.split(",")[0],"1e300"]+l.split(",")[2:]) for l in ls[1:] if l]+[""])
@m("sku_weight_huge")
def _(d): lines(f"{d}/skus.csv", lambda ls: [ls[0]]+[",".join(l.split(",")[:2]+["1e300"]+l.split(",")[3:]) for l in ls[1:] if l]+[""])
@m("sku_volume_tiny")
def _(d): lines(f"{d}/skus.csv", lambda ls: [ls[0]]+[",".join([l.split(",")[0],"1e-300"]+l.split(",")[2:]) for l in ls[1:] if l]+[""])
@m("centre_storage_huge")
def _(d): sub(f"{d}/scenario.toml","storage_m3 = 90.0","storage_m3 = 1e300")
@m("centre_storage_tiny")
def _(d): sub(f"{d}/scenario.toml","storage_m3 = 90.0","storage_m3 = 1e-300")
@m("centre_outbound_huge")
def _(d): sub(f"{d}/scenario.toml","outbound_units_per_period = 9000.0","outbound_units_per_period = 1e300")
@m("holding_huge")
def _(d): sub(f"{d}/scenario.toml","holding_cost_per_unit_period = 0.0012","holding_cost_per_unit_period = 1e300")
@m("lost_sale_huge")
def _(d): sub(f"{d}/scenario.toml","lost_sale_per_unit = 4.0","lost_sale_per_unit = 1e300")
@m("lost_sale_zero")
def _(d): sub(f"{d}/scenario.toml","lost_sale_per_unit = 4.0","lost_sale_per_unit = 0.0")
@m("promise_zero")
def _(d): sub(f"{d}/scenario.toml","promise_distance_km = 25.0","promise_distance_km = 0.0")
@m("promise_huge")
def _(d): sub(f"{d}/scenario.toml","promise_distance_km = 25.0","promise_distance_km = 1e300")
@m("transport_huge")
def _(d): sub(f"{d}/scenario.toml","transport_per_unit_km = 0.003","transport_per_unit_km = 1e300")
@m("centre_far_away")
def _(d): sub(f"{d}/scenario.toml","lat = 43.7869\nlon = 7.1839","lat = -80.0\nlon = -170.0")
@m("station_far_away")
def _(d): sub(f"{d}/scenario.toml","lat = 43.7285629\nlon = 7.4154901","lat = -80.0\nlon = -170.0")
@m("station_other_side")
def _(d): sub(f"{d}/scenario.toml","lat = 43.7285629\nlon = 7.4154901","lat = 48.85\nlon = 2.35")
@m("vehicle_count_zero")
def _(d): sub(f"{d}/scenario.toml","count = 2","count = 0")
@m("vehicle_count_huge")
def _(d): sub(f"{d}/scenario.toml","count = 2","count = 100000000")
@m("vehicle_cap_huge")
def _(d): sub(f"{d}/scenario.toml","capacity_kg = 800.0","capacity_kg = 1e300")
@m("vehicle_cost_huge")
def _(d): sub(f"{d}/scenario.toml","cost_per_km = 0.32","cost_per_km = 1e300")
@m("vehicle_fixed_huge")
def _(d): sub(f"{d}/scenario.toml","fixed_cost = 45.0","fixed_cost = 1e300")
@m("vehicle_hour_huge")
def _(d): sub(f"{d}/scenario.toml","cost_per_hour = 26.0","cost_per_hour = 1e300")
@m("shift_one_minute")
def _(d): sub(f"{d}/scenario.toml",'shift_start = "07:30"\nshift_end = "18:30"','shift_start = "07:30"\nshift_end = "07:31"')
@m("shift_full_day")
def _(d): sub(f"{d}/scenario.toml",'shift_start = "07:30"\nshift_end = "18:30"','shift_start = "00:00"\nshift_end = "24:00"')
@m("order_far_away")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0]]+[ls[1].replace("43.751943,7.4434223","-80.0,-170.0")]+ls[2:])
@m("order_paris")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0]]+[l.replace("43.751943,7.4434223","48.85,2.35") for l in ls[1:]])
@m("order_qty_huge")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0], ",".join(ls[1].split(",")[:5]+["1e300"]+ls[1].split(",")[6:])]+ls[2:])
@m("order_qty_1e9")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0], ",".join(ls[1].split(",")[:5]+["1000000000"]+ls[1].split(",")[6:])]+ls[2:])
@m("order_qty_zero_all")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0]]+[",".join(l.split(",")[:5]+["0"]+l.split(",")[6:]) for l in ls[1:] if l]+[""])
@m("orders_empty")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0], ""])
@m("orders_missing")
def _(d): os.remove(f"{d}/orders.csv")
@m("zone_far_centroid")
def _(d): lines(f"{d}/zones.csv", lambda ls: [ls[0]]+[re.sub(r"^([^,]*),43\.7510579,7\.4399013", r"\1,-80.0,-170.0", ls[1])]+ls[2:])
@m("zones_all_far")
def _(d): lines(f"{d}/zones.csv", lambda ls: [ls[0]]+[re.sub(r"^([^,]*),[0-9.]+,[0-9.]+", r"\1,-80.0,-170.0", l) for l in ls[1:]])
@m("tw_narrow")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0]]+[re.sub(r",\d\d:\d\d,\d\d:\d\d$", ",23:58,23:59", l) for l in ls[1:]])
@m("tw_early")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0]]+[re.sub(r",\d\d:\d\d,\d\d:\d\d$", ",00:00,00:01", l) for l in ls[1:]])
@m("stray_2030")
def _(d): append(f"{d}/demand.csv", "2030-12-31,16014,06240-05,1\n")
@m("stray_9999")
def _(d): append(f"{d}/demand.csv", "9999-12-31,16014,06240-05,1\n")
@m("stray_2000")
def _(d): append(f"{d}/demand.csv", "2000-01-01,16014,06240-05,1\n")
@m("stray_2012_06")
def _(d): append(f"{d}/demand.csv", "2012-06-01,16014,06240-05,1\n")
@m("only_one_sku")
def _(d): lines(f"{d}/demand.csv", lambda ls: [ls[0]]+[l for l in ls[1:] if ",16014," in l]+[""])
@m("name_long")
def _(d): sub(f"{d}/scenario.toml",'name = "monaco"','name = "' + "m"*100000 + '"')
@m("name_path")
def _(d): sub(f"{d}/scenario.toml",'name = "monaco"','name = "../../etc/x"')
@m("name_empty")
def _(d): sub(f"{d}/scenario.toml",'name = "monaco"','name = ""')
@m("currency_weird")
def _(d): sub(f"{d}/scenario.toml",'currency = "EUR"','currency = "<script>alert(1)</script>"')
@m("roads_missing_key")
def _(d): sub(f"{d}/scenario.toml",'roads = "roads.osm.pbf"\n','')
@m("roads_dir")
def _(d): sub(f"{d}/scenario.toml",'roads = "roads.osm.pbf"','roads = "."')


MAXES = [
 ("max_holding","holding_cost_per_unit_period = 0.0012","holding_cost_per_unit_period = 1e6"),
 ("max_lost_sale","lost_sale_per_unit = 4.0","lost_sale_per_unit = 1e6"),
 ("max_late","late_per_unit = 0.25","late_per_unit = 1e6"),
 ("max_transport","transport_per_unit_km = 0.003","transport_per_unit_km = 1e3"),
 ("max_promise","promise_distance_km = 25.0","promise_distance_km = 20000.0"),
 ("max_storage","storage_m3 = 90.0","storage_m3 = 1e8"),
 ("max_outbound","outbound_units_per_period = 9000.0","outbound_units_per_period = 1e10"),
 ("max_veh_count","count = 2","count = 10000"),
 ("max_veh_kg","capacity_kg = 800.0","capacity_kg = 1e6"),
 ("max_veh_m3","capacity_m3 = 7.0","capacity_m3 = 1e5"),
 ("max_cost_km","cost_per_km = 0.32","cost_per_km = 1e4"),
 ("max_cost_hour","cost_per_hour = 26.0","cost_per_hour = 1e5"),
 ("max_fixed","fixed_cost = 45.0","fixed_cost = 1e7"),
 ("max_horizon","horizon_periods = 28","horizon_periods = 3660"),
]
for name, a, b in MAXES:
    M[name] = (lambda a, b: (lambda d: sub(f"{d}/scenario.toml", a, b)))(a, b)
@m("max_sku_all")
def _(d): lines(f"{d}/skus.csv", lambda ls: [ls[0]]+[",".join([l.split(",")[0],"100","50000","1e6"]) for l in ls[1:] if l]+[""])
@m("max_sku_tiny_all")
def _(d): lines(f"{d}/skus.csv", lambda ls: [ls[0]]+[",".join([l.split(",")[0],"1e-12","1e-12","1e-12"]) for l in ls[1:] if l]+[""])
@m("max_demand_row")
def _(d): lines(f"{d}/demand.csv", lambda ls: [ls[0], ",".join(ls[1].split(",")[:3]+["1e9"])]+ls[2:])
@m("max_demand_all")
def _(d): lines(f"{d}/demand.csv", lambda ls: [ls[0]]+[",".join(l.split(",")[:3]+["1e9"]) for l in ls[1:] if l]+[""])
@m("max_order_line")
def _(d): lines(f"{d}/orders.csv", lambda ls: [ls[0], ",".join(ls[1].split(",")[:5]+["1000000"]+ls[1].split(",")[6:])]+ls[2:])

M["at_storage"] = lambda d: sub(f"{d}/scenario.toml","storage_m3 = 90.0","storage_m3 = 1e7")
M["at_outbound"] = lambda d: sub(f"{d}/scenario.toml","outbound_units_per_period = 9000.0","outbound_units_per_period = 1e8")
M["at_demand_all"] = lambda d: lines(f"{d}/demand.csv", lambda ls: [ls[0]]+[",".join(l.split(",")[:3]+["1e8"]) for l in ls[1:] if l]+[""])
M["at_all_money"] = lambda d: [sub(f"{d}/scenario.toml",a,b) for a,b in [("holding_cost_per_unit_period = 0.0012","holding_cost_per_unit_period = 1e6"),("late_per_unit = 0.25","late_per_unit = 1e6"),("lost_sale_per_unit = 4.0","lost_sale_per_unit = 1e6")]]

COMBO = [("holding_cost_per_unit_period = 0.0012","holding_cost_per_unit_period = 1e6"),("late_per_unit = 0.25","late_per_unit = 1e6"),("lost_sale_per_unit = 4.0","lost_sale_per_unit = 1e6"),("transport_per_unit_km = 0.003","transport_per_unit_km = 1e3"),("storage_m3 = 90.0","storage_m3 = 1e7"),("outbound_units_per_period = 9000.0","outbound_units_per_period = 1e8"),("capacity_kg = 800.0","capacity_kg = 1e6"),("cost_per_km = 0.32","cost_per_km = 1e4"),("fixed_cost = 45.0","fixed_cost = 1e7"),("promise_distance_km = 25.0","promise_distance_km = 20000.0")]
M["at_combined"] = lambda d: [sub(f"{d}/scenario.toml",a,b) for a,b in COMBO]

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "stockroute"))
    ap.add_argument("names", nargs="*", help="mutations to run (default: all)")
    args = ap.parse_args()
    unknown = [n for n in args.names if n not in M]
    if unknown:
        sys.exit(f"unknown mutations: {unknown}; known: {sorted(M)}")
    work = tempfile.mkdtemp(prefix="mutations-")
    failed = []
    for name in args.names or list(M):
        d = os.path.join(work, name)
        shutil.copytree(SRC, d)
        M[name](d)
        v = subprocess.run([args.bin, "validate", d], capture_output=True, text=True, timeout=120)
        plan, tail = None, ""
        if v.returncode == 0:
            try:
                p = subprocess.run(
                    [args.bin, "plan", d, "--store", d + ".sqlite", "--out", d + ".out",
                     "--models", "window_average,seasonal_naive", "--origins", "1",
                     "--iterations", "500"], capture_output=True, text=True, timeout=120)
                plan, tail = p.returncode, (p.stderr.strip().splitlines() or [""])[-1][:160]
            except subprocess.TimeoutExpired:
                plan = "slow"  # still running after 120 s: a long run, not a failure
        else:
            errors = [l for l in v.stdout.splitlines() if " [E-" in l]
            tail = errors[0][:160] if errors else ""
        bad = v.returncode == 0 and plan not in (0, "slow")
        if bad:
            failed.append(name)
        flag = "  <-- validate passed, plan failed" if bad else ""
        print(f"{name:22} validate={v.returncode} plan={plan} {tail}{flag}", flush=True)
        shutil.rmtree(d, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    print(f"{len(args.names or M)} mutations, {len(failed)} passed validate and failed plan: {failed}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
