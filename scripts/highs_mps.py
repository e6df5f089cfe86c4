#!/usr/bin/env python3
"""Solve an MPS file with HiGHS alone (highspy from PyPI ships HiGHS prebuilt) and print
one JSON line: wall and CPU seconds of the solve (reading the file excluded), status,
objective. Used to compare `stockroute bench placement --write-mps FILE` with a solver alone.

    pip install -r scripts/requirements.txt
    python3 scripts/highs_mps.py model.mps [--solver simplex|ipm|choose] [--threads N]
"""
import argparse
import json
import time

import highspy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mps")
    parser.add_argument("--solver", default="choose", choices=["choose", "simplex", "ipm", "pdlp"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args()

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", args.solver)
    h.setOptionValue("threads", args.threads)
    if args.time_limit is not None:
        h.setOptionValue("time_limit", args.time_limit)
    started = time.perf_counter()
    h.readModel(args.mps)
    read_s = time.perf_counter() - started

    cpu0, wall0 = time.process_time(), time.perf_counter()
    h.run()
    solve_s = time.perf_counter() - wall0
    solve_cpu_s = time.process_time() - cpu0

    info = h.getInfo()
    print(json.dumps({
        "solver": f"highs-{h.version()}",
        "method": args.solver,
        "mps": args.mps,
        "status": h.modelStatusToString(h.getModelStatus()),
        "objective": info.objective_function_value,
        "read_s": read_s,
        "solve_s": solve_s,
        "solve_cpu_s": solve_cpu_s,
        "simplex_iterations": info.simplex_iteration_count,
        "ipm_iterations": info.ipm_iteration_count,
    }))


if __name__ == "__main__":
    main()
