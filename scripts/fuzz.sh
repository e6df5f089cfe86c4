#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser and request decoder (fuzz/, cargo-fuzz + libFuzzer).
#
#   scripts/fuzz.sh [RUNS] [TARGET...]     each target for RUNS executions (default 10000000)
#   scripts/fuzz.sh --smoke [TARGET...]    each target for a few seconds (before merging parser changes)
#   scripts/fuzz.sh --time=S [TARGET...]   each target for S seconds (a run that must end by a set time)
#
# Targets run one after the other, one process each (2-core machine shared with others).
# Every input gets -timeout seconds (FUZZ_TIMEOUT_S, default 10), so a hang is reported as
# a timeout; -rss_limit_mb (FUZZ_RSS_MB, default 2048) reports runaway memory as an OOM.
# Per target it prints executions, wall time, exec/s and crashes (crash, timeout or OOM
# artifacts written by this run under fuzz/artifacts/<target>/); it exits 1 if any target
# found one. The working corpus is fuzz/corpus/<target>/ (not committed): made at each run
# from the committed seeds in fuzz/seeds/<target>/ and from the repository's own data files.
#
# The five scenario targets are built with `--no-trace-compares`, in their own target
# directory (fuzz/target/no-trace-compares/), the nine others as cargo-fuzz builds by
# default (fuzz/target/). A scenario execution builds four CSV readers (csv_core's state
# machine, a fixed computation of hundreds of comparisons each) and parses the TOML file;
# with every comparison a libFuzzer callback, that was over half of the time (250-570
# exec/s). What trace-compares would find there, the valid headers and keys, the seeds
# already hold (the repository's scenario files); coverage counters stay on.
#
# FUZZ_NO_BUILD=1 runs the targets as last built without rebuilding them; FUZZ_BIN_DIR
# runs all target binaries from one other folder (a copy of both builds' binaries, so that
# a rebuild during a long run does not change the binaries under it).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

runs=10000000
smoke=0
time_s=
targets=()
for arg in "$@"; do
    case "$arg" in
        --smoke) smoke=1 ;;
        --time=*[!0-9]* | --time=) echo "--time wants whole seconds: $arg" >&2; exit 2 ;;
        --time=*) time_s=${arg#--time=} ;;
        -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
        *[!0-9]*) targets+=("$arg") ;;
        *) runs=$arg ;;
    esac
done
all=(scenario_zones scenario_skus scenario_demand scenario_orders scenario_toml vrplib solomon
    routing_json api_routes api_forecasts api_placements api_plans api_experiments experiment_spec)
[ "${#targets[@]}" -gt 0 ] || targets=("${all[@]}")
timeout_s=${FUZZ_TIMEOUT_S:-10}
rss_mb=${FUZZ_RSS_MB:-2048}

# No sanitizer: the crate forbids unsafe code, so AddressSanitizer would only halve the
# speed; panics (overflow checks and debug assertions are on), hangs and OOMs are caught.
notc=target/no-trace-compares
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
    for t in "${targets[@]}"; do
        case "$t" in
            scenario_*) (cd fuzz && cargo +nightly fuzz build --sanitizer none --no-trace-compares \
                --target-dir "$notc" "$t") ;;
            *) (cd fuzz && cargo +nightly fuzz build --sanitizer none "$t") ;;
        esac
    done
fi
bin_dir() {
    if [ -n "${FUZZ_BIN_DIR:-}" ]; then
        echo "$FUZZ_BIN_DIR"
    else
        case "$1" in
            scenario_*) echo "fuzz/$notc/x86_64-unknown-linux-gnu/release" ;;
            *) echo fuzz/target/x86_64-unknown-linux-gnu/release ;;
        esac
    fi
}

# The scenario targets write one file per execution: a RAM disk when there is one.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi

# Seeds from the repository's own files, per target.
seed() {
    local t=$1 dir=fuzz/corpus/$1
    mkdir -p "$dir"
    if [ -d "fuzz/seeds/$t" ]; then cp -f fuzz/seeds/"$t"/* "$dir"/ 2>/dev/null || true; fi
    local f file
    case "$t" in
        scenario_*)
            file=${t#scenario_}
            [ "$file" = toml ] && file=scenario.toml || file=$file.csv
            for f in tests/data/*/"$file" data/scenarios/*/"$file"; do
                [ -f "$f" ] || continue
                # The first 60 lines: big files would only slow every execution down.
                head -n 60 "$f" >"$dir/repo-$(basename "$(dirname "$f")")-$file"
            done ;;
        vrplib) cp -f data/routing/*.vrp "$dir"/ ;;
        solomon)
            cp -f data/routing/C101.txt "$dir"/
            head -n 20 data/routing/C101.txt >"$dir/C101-head.txt" ;;
        experiment_spec) cp -f examples/experiments/*.toml "$dir"/ ;;
        api_experiments)
            if command -v python3 >/dev/null 2>&1; then
                for f in examples/experiments/*.toml; do
                    python3 -c 'import json,sys; print(json.dumps({"spec_toml": open(sys.argv[1]).read()}))' \
                        "$f" >"$dir/$(basename "$f" .toml).json"
                done
            fi ;;
    esac
}

printf '%-18s %14s %10s %10s %8s\n' target executions wall_s exec/s crashes
failed=0
for t in "${targets[@]}"; do
    seed "$t"
    artifacts=fuzz/artifacts/$t
    mkdir -p "$artifacts"
    before=$(find "$artifacts" -type f | wc -l)
    log=fuzz/artifacts/$t.log
    if [ "$smoke" = 1 ]; then
        limit=(-max_total_time=5)
    elif [ -n "$time_s" ]; then
        limit=(-max_total_time="$time_s")
    else
        limit=(-runs="$runs")
    fi
    start=$(date +%s.%N)
    set +e
    "$(bin_dir "$t")/$t" "${limit[@]}" -timeout="$timeout_s" -rss_limit_mb="$rss_mb" -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$root/$artifacts/" "fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    set -e
    end=$(date +%s.%N)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    execs=${execs:-0}
    found=$(($(find "$artifacts" -type f | wc -l) - before))
    if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then found=1; fi
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    rate=$(awk -v n="$execs" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
    printf '%-18s %14s %10s %10s %8s\n' "$t" "$execs" "$wall" "$rate" "$found"
    if [ "$found" -ne 0 ]; then
        failed=1
        echo "  $t: rc $rc, see $log and $artifacts/" >&2
        grep -m 5 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | sed 's/^/  /' >&2 || true
    fi
done
exit "$failed"
