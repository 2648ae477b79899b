#!/usr/bin/env bash
# A/B of two host configurations under h2load: both hosts run at once (A on 5100, B on 5101) beside the bare echo,
# and each round calls the echo, then A, then B, so that the machine's drift falls on both alike (hosts measured
# minutes apart drift more than a 10% effect). Prints every run (calls/s, p99 µs, failed, server CPU µs a call) and
# the medians. A is this build with HOST_ENV_A; B is HOST_DLL_B (default this build) with HOST_ENV_B.
#   HOST_ENV_B="DOTNET_GCgen0size=0" bash bench/ab.sh                  (B: the GC's own first-generation budget)
#   cp -r services/Penalties.AllInOne/bin/Release/net10.0 /tmp/hostA   (before a change; then, after it:)
#   HOST_DLL_A=/tmp/hostA/Penalties.AllInOne.dll bash bench/ab.sh
#   CALL=price-match bash bench/ab.sh                                  (PriceMatch.Assess; default the full view)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
ROUNDS=${ROUNDS:-9}
CALL=${CALL:-late-shipment}
case "$CALL" in
  late-shipment) method=penalties.v1.LateShipment/Assess ;;
  late-shipment-basic) method=penalties.v1.LateShipment/Assess ;;
  price-match) method=penalties.v1.PriceMatch/Assess ;;
  *) echo "CALL must be late-shipment, late-shipment-basic or price-match" >&2; exit 2 ;;
esac
source bench/common.sh
h2load_requests
start_echo
SVC_URL=http://127.0.0.1:5100 HOST_DLL=${HOST_DLL_A:-} HOST_ENV=${HOST_ENV_A:-} start_host; a=$svc
SVC_URL=http://127.0.0.1:5101 HOST_DLL=${HOST_DLL_B:-} HOST_ENV=${HOST_ENV_B:-} start_host; b=$svc
for port in 5100 5101; do $LB check "http://127.0.0.1:$port/$method" "$work/$CALL.bin" >/dev/null; done

# Warm-up: until the JIT has tiered up the path, a round measures the JIT too.
for port in 5100 5101; do run warm "http://127.0.0.1:$port/$method" "$work/$CALL.bin" 64 >/dev/null; done
run warm "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-$CALL.bin" 64 >/dev/null
echo "name streams calls/s p99_us failed server_cpu_us_per_call"
for _ in $(seq 1 "$ROUNDS"); do
  run echo "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-$CALL.bin" 64 "$echo_pid"
  run A "http://127.0.0.1:5100/$method" "$work/$CALL.bin" 64 "$a"
  run B "http://127.0.0.1:5101/$method" "$work/$CALL.bin" 64 "$b"
done | tee "$work/results"
for name in echo A B; do
  echo "$name: median $(median_of "$work/results" "$name " 3) calls/s, p99 $(median_of "$work/results" "$name " 4) µs, $(median_of "$work/results" "$name " 6) µs of server CPU a call"
done
