#!/usr/bin/env bash
# Server CPU per call under h2load, read from /proc before and after each run: the bare echo against the all-in-one
# host (LateShipment.Assess in the full and the basic view, PriceMatch.Assess), each call beside the echo with a
# request of its size. On a host whose speed drifts, CPU per call holds still where calls/s does not. With
# HOST_ARGS_B, HOST_ENV_B or HOST_DLL_B set, two configurations of the host run at once (A on 5100: HOST_DLL_A,
# default this build, with HOST_ARGS_A and HOST_ENV_A; B on 5101: HOST_DLL_B, default this build, with HOST_ARGS_B
# and HOST_ENV_B) and each round calls the echo, A, then B, so that the machine's drift falls on both alike (hosts
# measured minutes apart drift more than a 10% effect). Prints every run and the medians.
#   bash bench/cpu-per-call.sh                      (N=300000 calls a run, ROUNDS=3, 64 streams on 4 connections)
#   CALLS=late-shipment ROUNDS=9 N=100000 HOST_ENV_B="DOTNET_GCgen0size=0" bash bench/cpu-per-call.sh
#   HOST_ARGS_B="--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Warning" bash bench/cpu-per-call.sh
#   git worktree add /tmp/before HEAD~1 && dotnet build -c Release /tmp/before/services/Penalties.AllInOne &&
#   HOST_DLL_B=/tmp/before/services/Penalties.AllInOne/bin/Release/net10.0/Penalties.AllInOne.dll bash bench/cpu-per-call.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300000}
ROUNDS=${ROUNDS:-3}
CALLS=${CALLS:-late-shipment late-shipment-basic price-match}
source bench/common.sh
h2load_requests
start_echo

configs=(A); [ -n "${HOST_ARGS_B:-}${HOST_ENV_B:-}${HOST_DLL_B:-}" ] && configs=(A B)
declare -A url pid
port=5100
for c in "${configs[@]}"; do
  args_var="HOST_ARGS_$c" dll_var="HOST_DLL_$c" env_var="HOST_ENV_$c"
  # shellcheck disable=SC2086 # the host arguments are split on purpose
  SVC_URL="http://127.0.0.1:$port" HOST_DLL=${!dll_var:-} HOST_ENV=${!env_var:-} start_host ${!args_var:-}
  url[$c]="http://127.0.0.1:$port"; pid[$c]=$svc; port=$((port + 1))
done

# method_of CALL: the service method the request file CALL.bin is for.
method_of() { case "$1" in price-match) echo penalties.v1.PriceMatch/Assess ;; *) echo penalties.v1.LateShipment/Assess ;; esac; }

for call in $CALLS; do
  for c in "${configs[@]}"; do
    # h2load sees only HTTP 200: a configuration that breaks the call would otherwise be timed on its error path.
    $LB check "${url[$c]}/$(method_of "$call")" "$work/$call.bin" >/dev/null
    # Until the JIT has tiered up the path, a round measures the JIT too.
    N=100000 run warm "${url[$c]}/$(method_of "$call")" "$work/$call.bin" 64 >/dev/null
  done
  N=100000 run warm "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-$call.bin" 64 >/dev/null
done

echo "name streams calls/s p99_us failed server_cpu_us_per_call"
for _ in $(seq 1 "$ROUNDS"); do
  for call in $CALLS; do
    run "$call-echo" "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-$call.bin" 64 "$echo_pid"
    for c in "${configs[@]}"; do
      run "$call-$c" "${url[$c]}/$(method_of "$call")" "$work/$call.bin" 64 "${pid[$c]}"
    done
  done
done | tee "$work/results"

echo
echo "medians over $ROUNDS rounds:"
for call in $CALLS; do
  for name in echo "${configs[@]}"; do
    echo "$call-$name: $(median_of "$work/results" "$call-$name " 3) calls/s, p99 $(median_of "$work/results" "$call-$name " 4) µs, $(median_of "$work/results" "$call-$name " 6) µs of server CPU a call"
  done
done
