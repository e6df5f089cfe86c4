#!/usr/bin/env bash
# The API contract, tested from the server's own OpenAPI document: starts `stockroute serve`
# on 127.0.0.1:0 with a temporary store and the Monaco scenario, checks the served
# `/openapi.json` with openapi-spec-validator, runs schemathesis on every operation (every
# phase: examples, coverage, fuzzing, and stateful sequences along the document's links),
# then stops the server (SIGTERM: connections drained, jobs recorded) and fails on any
# failure of either tool or a server that did not stop cleanly.
#
#   scripts/contract.sh [MAX_EXAMPLES]      # default 25 test cases per operation and phase
#
# Tools (PyPI), the versions this was run with:
#   pip install openapi-spec-validator==0.9.0 schemathesis==4.32.5
#
# Env: STOCKROUTE_BIN (default target/debug/stockroute; built if missing), CONTRACT_SEED
# (default 1), CONTRACT_REPORT_DIR (default: a temporary folder, printed; JUnit XML there).
#
# The checks and their few per-operation settings are in scripts/contract.toml, with why;
# scripts/contract_hooks.py sends a fresh Idempotency-Key per request.
# The server runs with a small `--max-time-limit-s` and `--max-job-time-limit-s` so generated
# routing requests and jobs stay quick; the document it serves states those limits.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
examples=${1:-25}
seed=${CONTRACT_SEED:-1}
bin=${STOCKROUTE_BIN:-$root/target/debug/stockroute}
for tool in openapi-spec-validator schemathesis curl; do
    command -v "$tool" >/dev/null || { echo "$tool not found (see the header of $0)" >&2; exit 2; }
done
if [ ! -x "$bin" ]; then
    cargo build --bin stockroute
fi

tmp=$(mktemp -d)
report_dir=${CONTRACT_REPORT_DIR:-$tmp/report}
mkdir -p "$report_dir"
pid=
stop_server() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        wait "$pid" || return $?
    fi
    pid=
}
cleanup() {
    stop_server || true
    if [ -z "${CONTRACT_REPORT_DIR:-}" ]; then
        echo "server log and report kept in $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

# The working directory is the repository root, so experiment specs may name
# data/routing/... (paths in specs are relative to the server's working directory).
"$bin" serve --addr 127.0.0.1:0 --store "$tmp/store.sqlite" --scenario data/scenarios/monaco \
    --max-time-limit-s 2 --max-job-time-limit-s 2 --queue 512 --workers 1 --threads-per-job 1 \
    --shutdown-grace-s 2 \
    >"$tmp/server.out" 2>"$tmp/server.log" &
pid=$!
addr=
for _ in $(seq 1 600); do
    addr=$(sed -n 's/^listening on //p' "$tmp/server.out" | head -n 1)
    [ -n "$addr" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$addr" ] || { echo "server did not start" >&2; exit 1; }
base="http://$addr"
echo "server $pid on $base"

curl -fsS "$base/openapi.json" -o "$tmp/openapi.json"
openapi-spec-validator "$tmp/openapi.json"

status=0
# scripts/contract_hooks.py gives every request a fresh Idempotency-Key, as a client does.
PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=contract_hooks \
schemathesis --config-file scripts/contract.toml run "$base/openapi.json" \
    --phases examples,coverage,fuzzing,stateful --max-examples "$examples" --seed "$seed" \
    --workers 2 --request-timeout 60 --report junit --report-dir "$report_dir" || status=$?

server_status=0
stop_server || server_status=$?
if grep -E "panicked|request failed" "$tmp/server.log" >&2; then
    echo "the server logged panics or 5xx answers (see above)" >&2
    status=1
fi
[ "$server_status" -eq 0 ] || { echo "server exited with $server_status" >&2; status=1; }
echo "junit report: $report_dir"
exit "$status"
