#!/usr/bin/env bash
# Start-up and idle benchmark for the TUI (issues 2 and 10). Not a test: prints numbers.
#   time to first frame (from the app's own log line, process start -> frame drawn)
#   RSS right after start, and CPU used over 10 idle seconds.
#   With the kernel booted in the Kernel tab and idle at its shell prompt:
#   the app's CPU and QEMU's, separately, over 10 seconds.
# Usage: benches/startup.sh [runs]   (builds the release binary first)
#   SKIP_KERNEL=1 leaves out the kernel case (it builds the kernel the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release -q
bin=$PWD/target/release/megarepo
data=$(mktemp -d)
# A tmux server of our own, so the benchmark never touches the user's sessions.
t() { tmux -L megarepo-bench "$@"; }
trap 't kill-server 2>/dev/null || true; rm -rf "$data"' EXIT
hz=$(getconf CLK_TCK)
# utime+stime of a process, in clock ticks
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
pct() { awk -v a="$1" -v b="$2" -v hz="$hz" -v s="$3" 'BEGIN { printf "%.2f%% of a core", (b-a)/hz/s*100 }'; }
wait_log() {
  for _ in $(seq 100); do grep -q "first frame" "$data/logs/megarepo.log" 2>/dev/null && break; sleep 0.05; done
}
times=()
for i in $(seq "$runs"); do
  rm -f "$data/logs/megarepo.log"
  t new-session -d -s mr-bench -x 120 -y 40 "$bin --data-dir $data"
  wait_log
  t=$(grep -o "first frame drawn [0-9.]* ms" "$data/logs/megarepo.log" | awk '{print $4}')
  times+=("$t")
  if [ "$i" = "$runs" ]; then
    pid=$(pgrep -f "^$bin --data-dir $data" | head -1)
    sleep 1
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    c0=$(cpu "$pid")
    sleep 10
    c1=$(cpu "$pid")
    echo "RSS after start: $((rss / 1024)) MiB"
    echo "idle CPU over 10 s: $(pct "$c0" "$c1" 10)"
  fi
  t send-keys -t mr-bench q
  for _ in $(seq 50); do t has-session -t mr-bench 2>/dev/null || break; sleep 0.1; done
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "first frame: median %.1f ms, min %.1f, max %.1f over %d runs\n", a[int((NR+1)/2)], a[1], a[NR], NR}'

[ -n "${SKIP_KERNEL:-}" ] && exit 0
# The kernel case: F11 shows the Kernel tab, enter builds and boots it.
rm -f "$data/logs/megarepo.log"
t new-session -d -s mr-bench -x 120 -y 40 "$bin --data-dir $data"
wait_log
pid=$(pgrep -f "^$bin --data-dir $data" | head -1)
t send-keys -t mr-bench F11
sleep 0.5
t send-keys -t mr-bench Enter
# The first build of the kernel can take minutes; later ones are cached.
ready=
for _ in $(seq 1200); do
  if t capture-pane -p -t mr-bench | grep -q "\[ready\] after"; then ready=1; break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "kernel case: the kernel never printed [ready]; the screen was:" >&2
  t capture-pane -p -t mr-bench >&2
  exit 1
fi
qemu=$(pgrep -P "$pid" -f qemu-system-x86_64 | head -1)
# Let the boot's last lines settle, then measure the kernel sitting at its prompt.
sleep 2
a0=$(cpu "$pid"); q0=$(cpu "$qemu")
sleep 10
a1=$(cpu "$pid"); q1=$(cpu "$qemu")
echo "kernel booted and idle, over 10 s: app $(pct "$a0" "$a1" 10), QEMU $(pct "$q0" "$q1" 10)"
t send-keys -t mr-bench q
for _ in $(seq 50); do t has-session -t mr-bench 2>/dev/null || break; sleep 0.1; done
