#!/usr/bin/env bash
# Foundation figures for BENCHMARKS.md: start to first frame, idle CPU, CPU with the demo in a
# separate process and a 1 s refresh, and RSS on the demo. Runs the release binary in tmux.
# Usage: bash benches/foundation.sh [seconds-per-run, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q
bin=$PWD/target/release/gatewatch
work=$(mktemp -d)
export HOME=$work XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
sock=$work/tmux.sock
cleanup() { tmux -S "$sock" kill-server 2>/dev/null || true; [ -n "${demo_pid:-}" ] && kill "$demo_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{print ($14+$15)/t}' "/proc/$1/stat"; }
rss_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
# The pane's process is gatewatch itself when the shell execs it, else the shell's child.
pane_child() {
  local p; p=$(tmux -S "$sock" list-panes -t "$1" -F '#{pane_pid}')
  if [ "$(cat /proc/"$p"/comm)" = gatewatch ]; then echo "$p"; else pgrep -P "$p" gatewatch; fi
}

measure() { # name, command
  local name=$1; shift
  tmux -S "$sock" new-session -d -s "$name" -x 80 -y 24 "$*"
  sleep 3
  local pid; pid=$(pane_child "$name")
  local c0; c0=$(cpu_of "$pid")
  sleep "$secs"
  local c1; c1=$(cpu_of "$pid")
  awk -v a="$c0" -v b="$c1" -v s="$secs" -v n="$name" -v r="$(rss_kb "$pid")" \
    'BEGIN { printf "%-34s %.3f CPU-s/min   peak RSS %.1f MB\n", n, (b-a)*60/s, r/1024 }'
  tmux -S "$sock" kill-session -t "$name"
}

# Start to first frame: the dashboard logs it; five starts on the embedded demo.
for i in 1 2 3 4 5; do
  tmux -S "$sock" new-session -d -s "start$i" -x 80 -y 24 "$bin"
  for _ in $(seq 50); do grep -q "first frame" "$XDG_STATE_HOME/gatewatch/gatewatch.log" 2>/dev/null && break; sleep 0.1; done
  tmux -S "$sock" kill-session -t "start$i"
  sleep 0.3
done
grep -o "first frame drawn [0-9.]* ms" "$XDG_STATE_HOME/gatewatch/gatewatch.log" | awk '{print $4}' | sort -n |
  awk '{a[NR]=$1} END {printf "%-34s median %.1f ms (min %.1f, max %.1f, n=%d)\n", "start to first frame", a[int((NR+1)/2)], a[1], a[NR], NR}'

# Idle: a source that does not change (a saved exposition, scraped every second).
"$bin" demo --listen 127.0.0.1:0 > "$work/demo.out" &
demo_pid=$!
for _ in $(seq 50); do grep -q '^metrics:' "$work/demo.out" && break; sleep 0.1; done
metrics=$(awk '/^metrics:/ {print $2}' "$work/demo.out")
curl -s "$metrics" > "$work/static.prom" 2>/dev/null || python3 -c "import urllib.request,sys;sys.stdout.write(urllib.request.urlopen('$metrics').read().decode())" > "$work/static.prom"
measure idle-static-source "$bin --scrape file://$work/static.prom --scrape-every 1s"
measure demo-separate-1s-refresh "$bin --scrape $metrics --scrape-every 1s"
measure embedded-demo "$bin"
