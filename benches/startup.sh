#!/usr/bin/env bash
# Start-up and idle benchmark for the TUI (issue 2). Not a test: prints numbers.
#   time to first frame (from the app's own log line, process start -> frame drawn)
#   RSS right after start, and CPU used over 10 idle seconds.
# Usage: benches/startup.sh [runs]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release -q
bin=$PWD/target/release/megarepo
data=$(mktemp -d)
trap 'tmux kill-session -t mr-bench 2>/dev/null || true; rm -rf "$data"' EXIT
times=()
for i in $(seq "$runs"); do
  rm -f "$data/logs/megarepo.log"
  tmux new-session -d -s mr-bench -x 120 -y 40 "$bin --data-dir $data"
  for _ in $(seq 100); do grep -q "first frame" "$data/logs/megarepo.log" 2>/dev/null && break; sleep 0.05; done
  t=$(grep -o "first frame drawn [0-9.]* ms" "$data/logs/megarepo.log" | awk '{print $4}')
  times+=("$t")
  if [ "$i" = "$runs" ]; then
    pid=$(pgrep -f "^$bin --data-dir $data" | head -1)
    sleep 1
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    hz=$(getconf CLK_TCK)
    c0=$(awk '{print $14+$15}' /proc/$pid/stat)
    sleep 10
    c1=$(awk '{print $14+$15}' /proc/$pid/stat)
    echo "RSS after start: $((rss / 1024)) MiB"
    awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN { printf "idle CPU over 10 s: %.2f%% of a core\n", (b-a)/hz/10*100 }'
  fi
  tmux send-keys -t mr-bench q
  for _ in $(seq 50); do tmux has-session -t mr-bench 2>/dev/null || break; sleep 0.1; done
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "first frame: median %.1f ms, min %.1f, max %.1f over %d runs\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
