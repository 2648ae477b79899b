#!/usr/bin/env bash
# Server CPU per call under h2load, read from /proc before and after each run: the bare echo against the all-in-one
# host (LateShipment.Assess in the full and the basic view), alternating. On a host whose speed drifts, CPU per call
# holds still where calls/s does not. With HOST_ARGS_B set, two configurations of the host (HOST_ARGS_A, default
# none, and HOST_ARGS_B) are measured in turn, ROUNDS times, to see what a setting costs.
#   bash bench/cpu-per-call.sh                      (N=300000 calls a run, ROUNDS=2, 4 connections x 16 streams)
#   HOST_ARGS_B="--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Warning" bash bench/cpu-per-call.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300000}
ROUNDS=${ROUNDS:-2}
source bench/common.sh
need h2load nghttp2-client
$LB write-requests "$work" >/dev/null
$LB echo --urls "$ECHO_URL" >/dev/null 2>&1 & echo_pid=$!; pids+=($echo_pid)
wait_ports 5190

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, in 1/100 s
# measure NAME URL FILE PID: one h2load run; prints calls/s and the server's CPU µs per call.
measure() {
  local name=$1 url=$2 file=$3 pid=$4 before after rps
  before=$(cpu_ticks "$pid")
  h2load -n "$N" -c 4 -m 16 -d "$file" -H 'content-type: application/grpc' -H 'te: trailers' "$url" > "$work/out"
  after=$(cpu_ticks "$pid")
  rps=$(grep -oE 'finished in [0-9.]+[a-z]+, [0-9.]+ req/s' "$work/out" | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1)
  awk -v n="$name" -v r="$rps" -v t=$((after - before)) -v calls="$N" 'BEGIN { printf "%-34s %8.0f calls/s   server %5.2f µs/call\n", n, r, t * 10000 / calls }'
}

configs=(A); [ -n "${HOST_ARGS_B:-}" ] && configs=(A B)
for round in $(seq 1 "$ROUNDS"); do
  for c in "${configs[@]}"; do
    args_var="HOST_ARGS_$c"
    # shellcheck disable=SC2086 # the host arguments are split on purpose
    dotnet services/Penalties.AllInOne/bin/Release/net10.0/Penalties.AllInOne.dll --urls "$SVC_URL" --Logging:LogLevel:Default=Warning ${!args_var:-} >/dev/null 2>&1 & svc=$!; pids+=($svc)
    wait_ports 5100
    N=100000 measure warm "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment.bin" "$svc" >/dev/null
    N=100000 measure warm "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-late-shipment.bin" "$echo_pid" >/dev/null
    measure "round $round echo" "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-late-shipment.bin" "$echo_pid"
    measure "round $round $c LateShipment full view" "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment.bin" "$svc"
    measure "round $round $c LateShipment basic view" "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment-basic.bin" "$svc"
    kill "$svc"; wait "$svc" 2>/dev/null || true
  done
done
