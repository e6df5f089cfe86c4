#!/usr/bin/env python3
"""Forecast accuracy and speed: stockroute against statsforecast, on the same split, in one run.

accuracy (default): the shared daily SKU x region panel, the last --horizon days held out
(pseudo-holdout: the real weeks after the file are kept elsewhere). Series scored: at least
56 days from first sale to the cut, 5 selling days, a sale in the last 91 days before the
cut (the same rule stockroute's --backtest applies). Each series is zero-filled from its first
sale to the cut. Metrics as stockroute computes them: WAPE of 28-day totals (the selection
metric), daily WAPE, mean RMSSE, bias.

  python3 scripts/statsforecast_bench.py accuracy --stockroute target/release/stockroute

speed: generates (or reuses) a deterministic synthetic panel of --series daily series over
--days days, then times stockroute's full pipeline (backtest + selection + forecast) and
statsforecast's cross-validation (3 windows) + forecast of its intermittent models on it.

  python3 scripts/statsforecast_bench.py speed --series 30000 --days 730
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "data", "demand", "online_retail_daily.csv")


def sf_models(season):
    from statsforecast.models import (ADIDA, IMAPA, TSB, AutoETS, CrostonOptimized,
                                      CrostonSBA, SeasonalNaive, WindowAverage)
    return {
        "window_average": WindowAverage(window_size=28),
        "seasonal_naive": SeasonalNaive(season_length=season),
        "croston_sba": CrostonSBA(),
        "croston_optimized": CrostonOptimized(),
        "tsb": TSB(alpha_d=0.1, alpha_p=0.1),
        "adida": ADIDA(),
        "imapa": IMAPA(),
    }, AutoETS(season_length=season)


def dense_panel(raw, cut):
    """Zero-filled daily series from each series' first sale to `cut` (inclusive)."""
    frames = []
    for uid, g in raw.groupby("unique_id", sort=True):
        first = g["ds"].min()
        if first > cut:
            continue
        idx = pd.date_range(first, cut, freq="D")
        s = g.set_index("ds")["y"].reindex(idx, fill_value=0.0)
        frames.append(pd.DataFrame({"unique_id": uid, "ds": idx, "y": s.values}))
    return pd.concat(frames, ignore_index=True)


def eligible(train):
    def ok(y):
        y = y.to_numpy()
        nz = np.flatnonzero(y > 0)
        return len(y) >= 56 and len(nz) >= 5 and len(nz) > 0 and len(y) - nz[-1] <= 91
    keep = train.groupby("unique_id")["y"].apply(ok)
    return set(keep[keep].index)


def score(train, actual, fc, col):
    """Total WAPE, daily WAPE, mean RMSSE, bias, as stockroute's metrics.rs."""
    f = fc[["unique_id", "ds", col]].merge(actual, on=["unique_id", "ds"], how="left").fillna(0.0)
    tot = f.groupby("unique_id").agg(F=(col, "sum"), A=("y", "sum"))
    a = tot["A"].sum()
    scale = train.groupby("unique_id")["y"].apply(lambda y: np.mean(np.diff(y.to_numpy()) ** 2))
    mse = f.assign(e=(f[col] - f["y"]) ** 2).groupby("unique_id")["e"].mean()
    r = np.sqrt(mse / scale)
    r = r[np.isfinite(r) & (scale > 0)]
    return {
        "total_wape": float((tot["F"] - tot["A"]).abs().sum() / a),
        "period_wape": float((f[col] - f["y"]).abs().sum() / a),
        "rmsse": float(r.mean()),
        "bias": float((tot["F"].sum() - a) / a),
    }


def accuracy(args):
    from statsforecast import StatsForecast
    raw = pd.read_csv(args.data, dtype={"sku": str, "region": str})
    raw["ds"] = pd.to_datetime(raw["date"])
    raw["unique_id"] = raw["sku"] + "|" + raw["region"]
    raw = raw.groupby(["unique_id", "ds"], as_index=False)["quantity"].sum().rename(columns={"quantity": "y"})
    raw["y"] = raw["y"].astype(float)
    last = raw["ds"].max()
    cut = last - pd.Timedelta(days=args.horizon)
    panel = dense_panel(raw[raw["ds"] <= cut], cut)
    keep = eligible(panel)
    train = panel[panel["unique_id"].isin(keep)]
    window = pd.date_range(cut + pd.Timedelta(days=1), periods=args.horizon, freq="D")
    grid = pd.MultiIndex.from_product([sorted(keep), window], names=["unique_id", "ds"]).to_frame(index=False)
    actual = grid.merge(raw, on=["unique_id", "ds"], how="left").fillna(0.0)
    print(f"split: train to {cut.date()}, window {window[0].date()}..{window[-1].date()}, "
          f"{len(keep)} eligible series", flush=True)
    models, ets = sf_models(7)
    rows = []
    for name, m in models.items():
        sf = StatsForecast(models=[m], freq="D", n_jobs=1)
        t = time.process_time()
        fc = sf.forecast(df=train, h=args.horizon)
        cpu = time.process_time() - t
        col = [c for c in fc.columns if c not in ("unique_id", "ds")][0]
        rows.append(("statsforecast " + name, score(train, actual, fc, col), cpu))
        print(rows[-1], flush=True)
    if args.with_ets:
        sf = StatsForecast(models=[ets], freq="D", n_jobs=1)
        t = time.process_time()
        fc = sf.forecast(df=train, h=args.horizon)
        rows.append(("statsforecast AutoETS(7)", score(train, actual, fc, "AutoETS"), time.process_time() - t))
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        cmd = [args.stockroute, "forecast", "--history", args.data, "--zone-column", "region",
               "--horizon", str(args.horizon), "--backtest", "--report", report]
        t = time.time()
        subprocess.run(cmd, check=True, stdout=sys.stderr)
        wall = time.time() - t
        rep = json.load(open(report))
    for m in rep["models"]:
        rows.append(("stockroute " + m["model"], m["metrics"], None))
    rows.append(("stockroute SELECTED (" + rep["selection"] + ")", rep["selected"], wall))
    base = next(r[1]["total_wape"] for r in rows if r[0] == "stockroute window_average")
    print("\n| method | series | WAPE of 28-day totals | vs window average | daily WAPE | RMSSE | bias | P90 coverage | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, m, cpu in rows:
        n = m.get("series", len(keep))
        cov = f"{m['coverage_p90']:.3f}" if "coverage_p90" in m else "-"
        c = "-" if cpu is None else f"{cpu:.1f}" + (" (wall, all models)" if name.startswith("stockroute SEL") else "")
        print(f"| {name} | {n} | {m['total_wape']:.4f} | {100 * (m['total_wape'] / base - 1):+.1f}% | "
              f"{m['period_wape']:.4f} | {m['rmsse']:.4f} | {m['bias']:+.3f} | {cov} | {c} |")


def make_synthetic(path, series, days, seed):
    """Deterministic intermittent panel: per series a base rate (log-normal), a sale
    probability, a weekly profile with Saturday closed, a slow trend; sizes geometric."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-03")
    dates = (start + np.arange(days)).astype(str)
    weekday = (np.arange(days) + 0) % 7  # 2022-01-03 is a Monday; index 5 = Saturday
    profile = np.where(weekday == 5, 0.0, 1.0)
    with open(path, "w") as f:
        f.write("date,sku,zone,quantity\n")
        for s in range(series):
            p = min(0.9, rng.lognormal(-1.8, 0.8))
            size = rng.lognormal(0.7, 0.8)
            trend = 1 + rng.normal(0, 0.3) * np.arange(days) / days
            prob = np.clip(p * profile * trend, 0, 1)
            sale = rng.random(days) < prob
            qty = rng.geometric(1 / (1 + size), days)
            sku, zone = f"S{s // 10:05d}", f"Z{s % 10:02d}"
            for d in np.flatnonzero(sale):
                f.write(f"{dates[d]},{sku},{zone},{qty[d]}\n")


def speed(args):
    from statsforecast import StatsForecast
    path = args.synthetic or os.path.join(tempfile.gettempdir(), f"synthetic_{args.series}x{args.days}.csv")
    if not os.path.exists(path):
        t = time.time()
        make_synthetic(path, args.series, args.days, args.seed)
        print(f"generated {path} in {time.time() - t:.0f} s", flush=True)
    cmd = [args.stockroute, "forecast", "--history", path, "--horizon", "28",
           "--store", os.path.join(tempfile.gettempdir(), "speed.sqlite")]
    t = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    print(f"stockroute forecast (read CSV + 3-origin backtest of 10 candidates + selection + "
          f"forecast + store write), {args.series} series: {time.time() - t:.1f} s wall", flush=True)
    raw = pd.read_csv(path, dtype={"sku": str, "zone": str})
    raw["unique_id"] = raw["sku"] + "|" + raw["zone"]
    raw["ds"] = pd.to_datetime(raw["date"])
    raw["y"] = raw["quantity"].astype(float)
    last = raw["ds"].max()
    t = time.time()
    panel = dense_panel(raw[["unique_id", "ds", "y"]], last)
    prep = time.time() - t
    models, _ = sf_models(7)
    chosen = [models[k] for k in ("window_average", "tsb", "adida", "imapa", "croston_optimized")]
    sf = StatsForecast(models=chosen, freq="D", n_jobs=args.jobs)
    t = time.time()
    sf.cross_validation(df=panel, h=28, n_windows=3, step_size=28)
    sf.forecast(df=panel, h=28)
    print(f"statsforecast cross_validation(3 windows) + forecast of WindowAverage, TSB, ADIDA, "
          f"IMAPA, CrostonOptimized, n_jobs={args.jobs}: {time.time() - t:.1f} s wall "
          f"(+ {prep:.0f} s pandas zero-filling)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("accuracy")
    a.add_argument("--data", default=SHARED)
    a.add_argument("--horizon", type=int, default=28)
    a.add_argument("--with-ets", action="store_true", help="also AutoETS (slow: ~50 CPU s / 1,000 series)")
    a.add_argument("--stockroute", default=os.path.join(ROOT, "target", "release", "stockroute"))
    s = sub.add_parser("speed")
    s.add_argument("--series", type=int, default=30000)
    s.add_argument("--days", type=int, default=730)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--jobs", type=int, default=2)
    s.add_argument("--synthetic", help="CSV to use or create")
    s.add_argument("--stockroute", default=os.path.join(ROOT, "target", "release", "stockroute"))
    args = ap.parse_args()
    accuracy(args) if args.cmd == "accuracy" else speed(args)


if __name__ == "__main__":
    main()
