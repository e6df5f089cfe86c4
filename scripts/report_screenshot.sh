#!/usr/bin/env bash
# Renders a stockroute report.html in headless Chromium, saves a PNG screenshot and fails
# when the page logs a console error (or when no screenshot is produced).
#
#   scripts/report_screenshot.sh out/monaco/report.html docs/report.png [WIDTH,HEIGHT]
#
# Needs `chromium` (apt-get install -y chromium). The page is opened from a file:// URL
# with networking features off, so a report that tried to fetch anything would show it.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2
    exit 2
fi
html=$(realpath "$1")
png=$(realpath -m "$2")
size=${3:-1400,2400}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "chromium not found: apt-get install -y chromium" >&2
    exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f "$png"
status=0
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
    --screenshot="$png" --window-size="$size" "file://$html" 2>"$tmp/log" || status=$?
if [ "$status" -ne 0 ]; then
    cat "$tmp/log" >&2
    echo "chromium exited with $status" >&2
    exit 1
fi
if grep -E "Uncaught|ERROR:CONSOLE|CONSOLE\([0-9]+\)|Failed to load resource" "$tmp/log" >&2; then
    echo "console errors in $html" >&2
    exit 1
fi
if [ ! -s "$png" ]; then
    cat "$tmp/log" >&2
    echo "no screenshot written to $png" >&2
    exit 1
fi
echo "$png"
