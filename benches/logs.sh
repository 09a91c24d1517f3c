#!/usr/bin/env bash
# Access-log ingest benchmark, paired in one run against goaccess and mawk.
#
#   benches/logs.sh [LINES]        default 1000000; RUNS=3 (best CPU time of N), BIG=5000000,
#                                  STEADY=10 (seconds of the steady-tail run; 0 skips it)
#
# 1. generates LINES nginx combined lines (+ $request_time $upstream_response_time) with ~40
#    routes, ids in paths, query strings and a realistic status mix, and the same requests as
#    escape=json lines (examples/gen_access_log.rs);
# 2. times, on the same file and in the same run: gatewatch's ingest (parse, route templates,
#    per-route per-status counts, latency histograms), `goaccess FILE --log-format=COMBINED -o
#    out.json`, and mawk running the same route x status aggregation (benches/route_status.awk);
# 3. checks that gatewatch's route x status counts equal mawk's, line for line;
# 4. reports lines/s by CPU time (user+sys; the machine may be shared, CPU time is what a core
#    spent) and by wall time, and peak RSS, also for a BIG-line file (RSS must stay flat);
# 5. steady tail: a writer process appends 10,000 lines/s, one write() per line, while
#    `gatewatch snapshot --log FILE --wait STEADYs` follows the file; reports gatewatch's CPU
#    time (user+sys, start-up included) as a share of one core.
#
# gatewatch is driven through `gatewatch snapshot --log FILE --from-start --wait 0s --format
# json` when the binary has it, else through examples/ingest_log.rs (same aggregator).
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${1:-1000000}
RUNS=${RUNS:-3}
BIG=${BIG:-5000000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatewatch-bench-logs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

need() { command -v "$1" >/dev/null || { echo "SKIPPED: $1 not installed (apt-get install -y $2)" >&2; exit 0; }; }
need goaccess goaccess
need mawk mawk
[ -x /usr/bin/time ] || { echo "SKIPPED: /usr/bin/time not installed (apt-get install -y time)" >&2; exit 0; }

cargo build --release --quiet --example gen_access_log --example ingest_log --bin gatewatch
GEN=target/release/examples/gen_access_log
INGEST=target/release/examples/ingest_log
GW=target/release/gatewatch

# $WORK/ours FILE FORMAT: the gatewatch side, as one executable that /usr/bin/time can run.
if "$GW" snapshot --help 2>/dev/null | grep -q -- '--log'; then
    printf '#!/bin/sh\nexec "%s" snapshot --log "$1" --log-format "$2" --from-start --wait 0s --format json\n' "$PWD/$GW" > "$WORK/ours"
    DRIVER="gatewatch snapshot --log FILE --log-format FORMAT --from-start --wait 0s --format json"
else
    printf '#!/bin/sh\nexec "%s" "$1" "$2"\n' "$PWD/$INGEST" > "$WORK/ours"
    DRIVER="examples/ingest_log FILE FORMAT (LogAggregator over the whole file)"
fi
chmod +x "$WORK/ours"

"$GEN" "$LINES" > "$WORK/access.log"
"$GEN" "$LINES" json > "$WORK/access.json.log"

# measure NAME CMD... : runs CMD with stdout to $WORK/NAME.out, appends "cpu wall rss_kb".
measure() {
    local name=$1; shift
    /usr/bin/time -f "%U %S %e %M" -o "$WORK/time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
    awk '{ printf "%.3f %.3f %d\n", $1 + $2, $3, $4 }' "$WORK/time" >> "$WORK/$name.times"
}

best() { sort -n "$WORK/$1.times" | head -1; }

for _ in $(seq "$RUNS"); do
    measure gatewatch "$WORK/ours" "$WORK/access.log" combined
    measure mawk mawk -f benches/route_status.awk "$WORK/access.log"
    measure gatewatch_json "$WORK/ours" "$WORK/access.json.log" nginx-json
done
# goaccess takes a minute per run: once.
(cd "$WORK" && measure goaccess goaccess access.log --log-format=COMBINED -o goaccess.json --no-progress)

"$INGEST" "$WORK/access.log" combined --counts 2>/dev/null | sort > "$WORK/ours.counts"
sort "$WORK/mawk.out" > "$WORK/mawk.counts"
if diff -q "$WORK/ours.counts" "$WORK/mawk.counts" >/dev/null; then
    SAME="yes ($(wc -l < "$WORK/ours.counts") route x status rows)"
else
    SAME="NO"; diff "$WORK/ours.counts" "$WORK/mawk.counts" | head -5 >&2
fi

rate() { awk -v n="${2:-$LINES}" -v t="$1" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }'; }
row() {
    read -r cpu wall rss < <(best "$1")
    printf '| %s | %s | %s | %s | %s | %.1f |\n' "$2" "$cpu" "$(rate "$cpu")" "$wall" "$(rate "$wall")" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
}

echo
echo "lines: $LINES; runs: best of $RUNS (goaccess: 1); driver: $DRIVER"
echo "load average at start of report: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| tool | CPU s | lines/s (CPU) | wall s | lines/s (wall) | peak RSS MiB |"
echo "|---|---|---|---|---|---|"
row gatewatch "gatewatch, combined"
row gatewatch_json "gatewatch, nginx escape=json"
row mawk "mawk route x status"
row goaccess "goaccess 1.7 COMBINED"
read -r g _ _ < <(best gatewatch)
read -r m _ _ < <(best mawk)
read -r a _ _ < <(best goaccess)
echo
awk -v g="$g" -v m="$m" -v a="$a" 'BEGIN { printf "ratio vs goaccess: %.1fx (target 50x); vs mawk: %.1fx (target 5x)\n", a / g, m / g }'
echo "gatewatch counts equal mawk's: $SAME"

STEADY=${STEADY:-10}
if [ "$STEADY" -gt 0 ] && command -v python3 >/dev/null; then
    "$GEN" $((STEADY * 10000 + 20000)) > "$WORK/src.log"
    : > "$WORK/live.log"
    python3 - "$WORK/src.log" "$WORK/live.log" $((STEADY + 2)) <<'PY' &
import os, sys, time
src, dst, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
lines = open(src, "rb").read().splitlines(keepends=True)
fd = os.open(dst, os.O_WRONLY | os.O_APPEND)
start, n = time.monotonic(), 0
while time.monotonic() - start < secs:
    due = int((time.monotonic() - start) * 10000)
    while n < due:
        os.write(fd, lines[n % len(lines)])
        n += 1
    time.sleep(0.002)
PY
    WRITER=$!
    sleep 0.5
    measure steady "$GW" snapshot --log "$WORK/live.log" --log-format combined --wait "${STEADY}s" --format json
    wait "$WRITER"
    read -r cpu wall _ < "$WORK/steady.times"
    seen=$(grep -m1 '"requests"' "$WORK/steady.out" | tr -dc 0-9)
    awk -v c="$cpu" -v w="$wall" -v n="$seen" -v s="$STEADY" 'BEGIN { printf "steady tail, 10,000 lines/s for %d s: %d lines counted, gatewatch CPU %.3f s in %.2f s wall = %.2f%% of one core (target 2%%)\n", s, n, c, w, 100 * c / w }'
    rm -f "$WORK/src.log" "$WORK/live.log"
fi

if [ "$BIG" -gt 0 ]; then
    # The big file needs ~150 bytes a line; make room first and skip when the disk is short.
    rm -f "$WORK/access.log" "$WORK/access.json.log" "$WORK/goaccess.json"
    free_kb=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
    need_kb=$((BIG * 150 / 1024 + 512 * 1024))
    if [ "$free_kb" -lt "$need_kb" ]; then
        echo "SKIPPED: $BIG-line RSS check needs $((need_kb / 1024)) MiB free in $WORK, $((free_kb / 1024)) MiB there" >&2
        exit 0
    fi
    "$GEN" "$BIG" > "$WORK/big.log"
    rm -f "$WORK/gatewatch_big.times"
    measure gatewatch_big "$WORK/ours" "$WORK/big.log" combined
    read -r cpu wall rss < <(best gatewatch_big)
    read -r _ _ rss1 < <(best gatewatch)
    echo "peak RSS: $((rss1 / 1024)) MiB at $LINES lines, $((rss / 1024)) MiB at $BIG lines ($(rate "$cpu" "$BIG") lines/s CPU, $wall s wall)"
fi
