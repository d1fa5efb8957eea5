#!/usr/bin/env bash
# Issue 19: does megarepo stay fast with years of a learner's data? Not a
# test: it prints numbers. For 0, 1 and 3 years of data (made by
# `benches/scale.rs gen`, through the same library calls the app and the
# commands use), side by side:
#   first frame   the app's own log line ("first frame drawn N ms after
#                 start"), median of RUNS starts in tmux at 120x40
#   RSS           of the app 1 s after its first frame (last start)
#   status        `megarepo status`, whole process (hyperfine: median, min,
#                 and mean user+system CPU, which a loaded machine inflates
#                 least; the load average is printed before and after), with
#                 its status file current (what a prompt sees), and with the
#                 file removed before each run (the once-a-day recompute)
#   stats --json  whole process (hyperfine, as above), with DATA/stats.json
#                 current (what a script sees when nothing changed), removed
#                 before each run (computed from the store), and removed
#                 with the app open (answered by the app over the socket)
#   study open    Study pane shown: statistics from the totals, one frame
#   study redraw  one frame of the Study pane (median of 20 x RUNS)
#   journal open  Journal pane shown: entries read, one frame
#   search        `megarepo search` (sheets, lessons, personal sheets) and
#                 `megarepo journal list --search` (whole process)
#   stats (old)   in-process: the statistics from every session, as every
#                 start-up and every status computed them before the totals
# Usage: benches/scale.sh [YEARS...]   (default: 0 1 3; RUNS=5 by default)
# Needs tmux, jq and hyperfine (apt-get install -y hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
years=("$@")
[ ${#years[@]} -eq 0 ] && years=(0 1 3)
for tool in tmux jq hyperfine; do
  command -v "$tool" >/dev/null || { echo "scale.sh needs $tool" >&2; exit 1; }
done

cargo build --release -q -p megarepo
scale=$(cargo bench -q -p megarepo --bench scale --no-run --message-format=json 2>/dev/null |
  jq -r 'select(.executable != null and .target.name == "scale") | .executable' | tail -1)
bin=$PWD/target/release/megarepo
root=$(mktemp -d)
sock=mr-scale-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$root"' EXIT

echo "load before: $(uptime | sed 's/.*load average/load average/')"
declare -A R
for y in "${years[@]}"; do
  d=$root/y$y
  "$scale" gen "$d" "$y"

  # First frame and RSS.
  times=()
  for i in $(seq "$runs"); do
    log=$d/logs/megarepo.log
    before=$(grep -c "first frame" "$log" 2>/dev/null || true)
    tmux -L "$sock" -f /dev/null new-session -d -s app -x 120 -y 40 "$bin --data-dir $d"
    for _ in $(seq 200); do
      now=$(grep -c "first frame" "$log" 2>/dev/null || true)
      [ "${now:-0}" -gt "${before:-0}" ] && break
      sleep 0.05
    done
    times+=("$(grep -o "first frame drawn [0-9.]* ms" "$log" | tail -1 | awk '{print $4}')")
    if [ "$i" = "$runs" ]; then
      sleep 1
      pid=$(tmux -L "$sock" list-panes -t app -F '#{pane_pid}')
      R[rss,$y]=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status")
    fi
    tmux -L "$sock" send-keys -t app q
    for _ in $(seq 100); do tmux -L "$sock" has-session -t app 2>/dev/null || break; sleep 0.05; done
    tmux -L "$sock" kill-server 2>/dev/null || true
  done
  R[frame,$y]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}')
  R[frames,$y]=$(printf '%s ' "${times[@]}")

  # Whole-process commands.
  hf() { # name, then the command
    local name=$1; shift
    hyperfine -N --warmup 3 --runs "${HF_RUNS:-30}" --export-json "$root/hf.json" "$@" >/dev/null 2>&1
    R[$name,$y]=$(jq -r '.results[0] | "\(.median*1000|.*10|round/10) (min \(.min*1000|.*10|round/10), cpu \((.user+.system)*1000|.*10|round/10))"' "$root/hf.json")
  }
  hf status "$bin --data-dir $d status"
  hyperfine -N --warmup 1 --runs "${HF_RUNS:-30}" --prepare "rm -f $d/status.json" \
    --export-json "$root/hf.json" "$bin --data-dir $d status" >/dev/null 2>&1
  R[status_cold,$y]=$(jq -r '.results[0] | "\(.median*1000|.*10|round/10) (min \(.min*1000|.*10|round/10), cpu \((.user+.system)*1000|.*10|round/10))"' "$root/hf.json")
  hf stats "$bin --data-dir $d stats --json"
  hyperfine -N --warmup 1 --runs "${HF_RUNS:-30}" --prepare "rm -f $d/stats.json" \
    --export-json "$root/hf.json" "$bin --data-dir $d stats --json" >/dev/null 2>&1
  R[stats_cold,$y]=$(jq -r '.results[0] | "\(.median*1000|.*10|round/10) (min \(.min*1000|.*10|round/10), cpu \((.user+.system)*1000|.*10|round/10))"' "$root/hf.json")
  # The same with the app open: the command goes over the socket.
  tmux -L "$sock" -f /dev/null new-session -d -s app -x 120 -y 40 "$bin --data-dir $d"
  for _ in $(seq 100); do [ -S "$d/megarepo.sock" ] && break; sleep 0.05; done
  hyperfine -N --warmup 1 --runs "${HF_RUNS:-30}" --prepare "rm -f $d/stats.json" \
    --export-json "$root/hf.json" "$bin --data-dir $d stats --json" >/dev/null 2>&1
  R[stats_app,$y]=$(jq -r '.results[0] | "\(.median*1000|.*10|round/10) (min \(.min*1000|.*10|round/10), cpu \((.user+.system)*1000|.*10|round/10))"' "$root/hf.json")
  tmux -L "$sock" send-keys -t app q
  for _ in $(seq 100); do tmux -L "$sock" has-session -t app 2>/dev/null || break; sleep 0.05; done
  tmux -L "$sock" kill-server 2>/dev/null || true
  hf search "$bin --data-dir $d search quasiquote"
  hf jsearch "$bin --data-dir $d journal list --search quasiquote"

  # Panes, in process.
  while read -r k v; do R[$k,$y]=$v; done < <("$scale" panes "$d" "$runs")
  R[size,$y]=$(du -sh "$d" | cut -f1)
done
echo "load after:  $(uptime | sed 's/.*load average/load average/')"

row() { # label, key, goal
  printf '| %-34s |' "$1"
  for y in "${years[@]}"; do printf ' %-16s |' "${R[$2,$y]:-}"; done
  printf ' %-9s |\n' "$3"
}
printf '\n| %-34s |' "ms unless said (runs: $runs)"
for y in "${years[@]}"; do printf ' %-16s |' "$y years"; done
printf ' %-9s |\n' goal
printf '|%s|' "------------------------------------"
for _ in "${years[@]}"; do printf '%s|' "------------------"; done
printf '%s|\n' "-----------"
row "data folder size" size ""
row "first frame, median" frame "< 15"
row "RSS after start, MiB" rss "< 30"
row "status (file current)" status "< 5"
row "status (file removed each run)" status_cold ""
row "stats --json (file current)" stats "< 10"
row "stats --json (file removed each run)" stats_cold ""
row "stats --json, app open (socket)" stats_app ""
row "Study pane open (in process)" study_open_ms ""
row "Study pane redraw (in process)" study_redraw_ms "< 2"
row "Journal pane open (in process)" journal_open_ms ""
row "search (sheets)" search ""
row "journal list --search" jsearch ""
row "stats from totals (in process)" stats_from_totals_ms ""
row "stats from every session (old)" stats_from_sessions_ms ""
echo
for y in "${years[@]}"; do echo "first frames, $y years: ${R[frames,$y]}"; done
