#!/usr/bin/env bash
# Load benchmark of PenaltyPoints.Record on Redis (issue "Redis"): every call a new case id, then every call a
# replay, against the echo's unary call of the same size from the same .NET client, alternating, 3 rounds;
# then every merchant's history is read back (no record lost or duplicated). Redis runs with the durability
# settings the README recommends (appendonly yes, appendfsync always). Loopback only; bounded by CALLS.
#   bash bench/record-load.sh            (CALLS=50000 per round, MERCHANTS=10000: 16 records each at the end, a busy year for a Tmall merchant)
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-50000}
MERCHANTS=${MERCHANTS:-10000}
ECHO_URL=http://127.0.0.1:5190
SVC_URL=http://127.0.0.1:5100
REDIS_PORT=${REDIS_PORT:-6391}

command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release services/Penalties.AllInOne -v q -nologo >/dev/null
dotnet build -c Release bench/Penalties.LoadBench -v q -nologo >/dev/null
LB="dotnet bench/Penalties.LoadBench/bin/Release/net10.0/Penalties.LoadBench.dll"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync always --save "" \
  --daemonize no --logfile "$work/redis.log" & pids+=($!)
$LB echo --urls "$ECHO_URL" >/dev/null 2>&1 & pids+=($!)
dotnet services/Penalties.AllInOne/bin/Release/net10.0/Penalties.AllInOne.dll --urls "$SVC_URL" --Logging:LogLevel:Default=Warning \
  --Penalties:Redis:Configuration "127.0.0.1:$REDIS_PORT" --Penalties:Rules:Source files >/dev/null 2>&1 & svc=$!; pids+=($svc)
for port in "$REDIS_PORT" 5190 5100; do for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done; done

$LB record "$SVC_URL" "$ECHO_URL" "$CALLS" "$MERCHANTS"
echo "service RSS: $(($(ps -o rss= -p "$svc") / 1024)) MiB; Redis: $(redis-cli -p "$REDIS_PORT" info memory | grep used_memory_human | tr -d '\r'), AOF $(du -h "$work"/appendonlydir 2>/dev/null | tail -1 | cut -f1)"
