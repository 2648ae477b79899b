#!/usr/bin/env bash
# Server CPU per call under h2load, read from /proc before and after each run: the bare echo against the all-in-one
# host (LateShipment.Assess in the full and the basic view, PriceMatch.Assess), alternating. On a host whose speed
# drifts, CPU per call holds still where calls/s does not. With HOST_ARGS_B, HOST_ENV_B or HOST_DLL_B set, two
# configurations of the host (A: this build with HOST_ARGS_A and HOST_ENV_A, default none; B: HOST_DLL_B, default this
# build, with HOST_ARGS_B and HOST_ENV_B) are measured in turn, ROUNDS times, to see what a setting or a change costs.
#   bash bench/cpu-per-call.sh                      (N=300000 calls a run, ROUNDS=2, 64 streams on 4 connections)
#   HOST_ARGS_B="--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Warning" bash bench/cpu-per-call.sh
#   HOST_ENV_B="DOTNET_GCgen0size=0" bash bench/cpu-per-call.sh      (B: the GC's own first-generation budget)
#   git worktree add /tmp/before HEAD~1 && dotnet build -c Release /tmp/before/services/Penalties.AllInOne &&
#   HOST_DLL_B=/tmp/before/services/Penalties.AllInOne/bin/Release/net10.0/Penalties.AllInOne.dll bash bench/cpu-per-call.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300000}
ROUNDS=${ROUNDS:-2}
source bench/common.sh
h2load_requests
start_echo

echo "name streams calls/s p99_us failed server_cpu_us_per_call"
configs=(A); [ -n "${HOST_ARGS_B:-}${HOST_ENV_B:-}${HOST_DLL_B:-}" ] && configs=(A B)
for round in $(seq 1 "$ROUNDS"); do
  for c in "${configs[@]}"; do
    args_var="HOST_ARGS_$c" dll_var="HOST_DLL_$c" env_var="HOST_ENV_$c"
    # shellcheck disable=SC2086 # the host arguments are split on purpose
    HOST_DLL=${!dll_var:-} HOST_ENV=${!env_var:-} start_host ${!args_var:-}
    # h2load sees only HTTP 200: a configuration that breaks the call would otherwise be timed on its error path.
    $LB check "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment.bin" >/dev/null
    $LB check "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment-basic.bin" >/dev/null
    $LB check "$SVC_URL/penalties.v1.PriceMatch/Assess" "$work/price-match.bin" >/dev/null
    N=100000 run warm "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment.bin" 64 >/dev/null
    N=100000 run warm "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-late-shipment.bin" 64 >/dev/null
    run "round-$round-echo" "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-late-shipment.bin" 64 "$echo_pid"
    run "round-$round-$c-full-view" "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment.bin" 64 "$svc"
    run "round-$round-$c-basic-view" "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment-basic.bin" 64 "$svc"
    run "round-$round-echo-price" "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-price-match.bin" 64 "$echo_pid"
    run "round-$round-$c-price-match" "$SVC_URL/penalties.v1.PriceMatch/Assess" "$work/price-match.bin" 64 "$svc"
    kill "$svc"; wait "$svc" 2>/dev/null || true
  done
done
