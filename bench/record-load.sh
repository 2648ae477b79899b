#!/usr/bin/env bash
# Load benchmark of PenaltyPoints.Record on Redis (issue "Redis"): every call a new case id, then every call a
# replay, against the echo's unary call of the same size from the same .NET client, alternating, 5 rounds;
# then every merchant's history is read back (no record lost or duplicated). Redis runs with the durability
# settings the README recommends (appendonly yes, appendfsync always). Loopback only; bounded by CALLS.
#   bash bench/record-load.sh            (CALLS=150000 per round, 5 rounds, MERCHANTS=50000: 15 records each at the end, a busy year for a Tmall merchant)
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-150000}
MERCHANTS=${MERCHANTS:-50000}
REDIS_PORT=${REDIS_PORT:-6391}

source bench/common.sh
need redis-server redis-server
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync always --save "" \
  --daemonize no --logfile "$work/redis.log" & redis_pid=$!; pids+=($redis_pid)
wait_ports "$REDIS_PORT"
start_servers --Penalties:Redis:Configuration "127.0.0.1:$REDIS_PORT" --Penalties:Rules:Source files ${HOST_ARGS:-}

# The client reports each process's CPU per call for every run (from /proc), the client's own included.
BENCH_PIDS="service:$svc,echo:$echo_pid,redis:$redis_pid" $LB record "$SVC_URL" "$ECHO_URL" "$CALLS" "$MERCHANTS"
# The replay path under h2load as well (the unary load generator of bench/load.sh): one recorded case sent again
# and again (every call a replay of it), against the echo with a request of the same size, 64 streams, 3 rounds,
# the case's merchant holding the log the run above left. A best case beside it: the same log read each time.
N=${REPLAY_N:-300000}
h2load_requests
$LB check "$SVC_URL/penalties.v1.PenaltyPoints/Record" "$work/record.bin" >/dev/null
N=50000 run warm "$SVC_URL/penalties.v1.PenaltyPoints/Record" "$work/record.bin" 64 >/dev/null
: > "$work/replays"
for round in 1 2 3; do
  run echo-record "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-record.bin" 64 | tee -a "$work/replays"
  run Record.replay "$SVC_URL/penalties.v1.PenaltyPoints/Record" "$work/record.bin" 64 | tee -a "$work/replays"
done
med() { median_of "$work/replays" "$1 " "$2"; }
awk -v sr="$(med Record.replay 3)" -v er="$(med echo-record 3)" -v sp="$(med Record.replay 4)" -v ep="$(med echo-record 4)" \
  'BEGIN { printf "PenaltyPoints.Record replay of one case (h2load, 64 streams): %.0f req/s (echo %.0f) = %.1f%%, p99 %d µs (echo %d) = %.2fx\n", sr, er, 100*sr/er, sp, ep, sp/ep }'
echo "service RSS: $(service_rss) MiB; Redis: $(redis-cli -p "$REDIS_PORT" info memory | grep used_memory_human | tr -d '\r'), AOF $(du -h "$work"/appendonlydir 2>/dev/null | tail -1 | cut -f1)"
