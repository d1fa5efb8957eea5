#!/usr/bin/env bash
# Compare `net serve` with a real redis-server on this machine, in the same
# run: redis-benchmark -t set,get -n 200000 -c 50 -q, with and without -P 16,
# alternating the two servers ROUNDS times (best round kept, as the machine
# is shared), then the memory 1,000 idle connections add to `net serve`.
#
# Needs: apt-get install -y redis-server redis-tools
# Usage: projects/net/bench/compare.sh [ROUNDS]   (from the repository root)
# NET_BIN=path skips the build; NET_ARGS="--threads 2" passes serve options.
set -euo pipefail
rounds=${1:-3}
if [[ -z "${NET_BIN:-}" ]]; then
    cargo build --release -p net >&2
    NET_BIN=${CARGO_TARGET_DIR:-target}/release/net
fi
net=$NET_BIN
ours=7101 theirs=7102
log=$(mktemp)
"$net" serve --memory --addr 127.0.0.1:$ours ${NET_ARGS:-} 2>"$log" & net_pid=$!
redis-server --port $theirs --save '' --appendonly no --daemonize no >/dev/null & redis_pid=$!
trap 'kill $net_pid $redis_pid 2>/dev/null; rm -f "$log"' EXIT
sleep 1
redis-cli -p $ours ping >/dev/null && redis-cli -p $theirs ping >/dev/null

rps() { # port pipeline test -> requests per second
    if ! kill -0 $net_pid 2>/dev/null; then
        echo "net serve is gone; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    redis-benchmark -p "$1" -t "$3" -n 200000 -c 50 -P "$2" -q 2>&1 | tr '\r' '\n' |
        awk -v t="${3^^}:" '$1 == t { print $2 }' | tail -1
}
declare -A best
for ((r = 1; r <= rounds; r++)); do
    for p in 1 16; do
        for t in set get; do
            for port in $theirs $ours; do
                v=$(rps $port $p $t)
                k="$port/$p/$t"
                if [[ -z "${best[$k]:-}" ]] || awk -v a="$v" -v b="${best[$k]}" 'BEGIN { exit !(a > b) }'; then
                    best[$k]=$v
                fi
            done
        done
    done
done
echo "| test | pipeline | redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2) | net serve | net / redis |"
echo "|---|---:|---:|---:|---:|"
for p in 1 16; do
    for t in set get; do
        a=${best[$theirs/$p/$t]} b=${best[$ours/$p/$t]}
        printf '| %s | %s | %.0f | %.0f | %.2f |\n' "${t^^}" "$p" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')"
    done
done

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
before=$(rss $net_pid)
"$net" bench --addr 127.0.0.1:$ours --idle 1000 --hold 4 >/dev/null & idle_pid=$!
sleep 3
during=$(rss $net_pid)
wait $idle_pid
echo
echo "1,000 idle connections: net serve RSS ${before} kB -> ${during} kB (+$(( (during - before) / 1024 )) MiB, $(( (during - before) / 1000 )) kB each)"
