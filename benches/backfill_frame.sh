#!/usr/bin/env bash
# Backfill to first frame: the dashboard, started in tmux at 80x24 on a generated nginx log
# with --from-start, logs when it drew the first frame holding everything the file had
# ("backfilled frame drawn N ms after start"). Median of RUNS starts; also the peak RSS.
# Usage: bash benches/backfill_frame.sh [LINES, default 1000000]   (RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
runs=${RUNS:-5}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q --bin gatewatch --example gen_access_log
bin=$PWD/target/release/gatewatch
work=$(mktemp -d)
export HOME=$work XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
sock=$work/tmux.sock
cleanup() { tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
target/release/examples/gen_access_log "$lines" > "$work/access.log"
cat "$work/access.log" > /dev/null # warm the page cache, as a file being written is
log=$XDG_STATE_HOME/gatewatch/gatewatch.log
rss=()
for i in $(seq "$runs"); do
  tmux -S "$sock" new-session -d -s "b$i" -x 80 -y 24 \
    "exec $bin --log $work/access.log --log-format combined --from-start"
  pid=$(tmux -S "$sock" list-panes -t "b$i" -F '#{pane_pid}')
  for _ in $(seq 300); do
    [ "$(grep -c 'backfilled frame' "$log" 2>/dev/null || true)" -ge "$i" ] && break
    sleep 0.1
  done
  rss+=("$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")")
  tmux -S "$sock" kill-session -t "b$i"
  sleep 0.3
done
grep -o "backfilled frame drawn [0-9.]* ms" "$log" | awk '{print $4}' | sort -n |
  awk -v l="$lines" '{a[NR]=$1} END {printf "%d lines: backfill to first frame median %.0f ms (min %.0f, max %.0f, n=%d)\n", l, a[int((NR+1)/2)], a[1], a[NR], NR}'
printf '%s\n' "${rss[@]}" | sort -n | tail -1 | awk '{printf "peak RSS %.1f MiB\n", $1/1024}'
