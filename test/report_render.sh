#!/usr/bin/env bash
# Renders the demo's report in headless Chromium (Debian's chromium): the
# page loads, its own check finds every image loaded and every SVG drawn
# (data-render-check="ok" on <body>), and the browser logs no console
# message; saves a screenshot beside the page (report.png).
set -euo pipefail
cd "$(dirname "$0")/.."

report=${1:-demo/output/report.html}
[ -f "$report" ] || { echo "report_render: $report not found: run make demo first" >&2; exit 1; }
abs="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "report_render: chromium not found (test/deps.sh installs it)" >&2; exit 1; }
# --no-sandbox: the suite runs as root, where Chromium's sandbox cannot start
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=10000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$abs" >"$work/dom" 2>"$work/log" || true
check=$(grep -o 'data-render-check="[^"]*"' "$work/dom" | sed 's/^data-render-check="//; s/"$//' || true)
console=$(grep 'CONSOLE' "$work/log" || true)
images=$(grep -o '<img ' "$work/dom" | wc -l)
svgs=$(grep -o '<svg ' "$work/dom" | wc -l)
"$browser" "${flags[@]}" --window-size=1200,4400 --screenshot="${abs%.html}.png" "file://$abs" >/dev/null 2>&1 || true

status=0
if [ "$check" != ok ]; then
    echo "report_render: FAILED: the page's check says: ${check:-nothing (the page did not load or its script did not run)}" >&2
    status=1
fi
if [ -n "$console" ]; then
    echo "report_render: FAILED: console messages:" >&2
    echo "$console" >&2
    status=1
fi
if [ ! -s "${abs%.html}.png" ]; then
    echo "report_render: FAILED: no screenshot" >&2
    status=1
fi
[ $status -eq 0 ] && echo "report_render: $report rendered in $("$browser" --version 2>/dev/null | head -1): $images image(s) and $svgs SVG chart(s) drawn, no console message; screenshot ${report%.html}.png"
exit $status
