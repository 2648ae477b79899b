#!/usr/bin/env bash
# Load benchmark: h2load drives unary gRPC calls from pre-framed request files against the real
# all-in-one host and against a bare echo gRPC server with requests of the same size, alternating
# in one session so the ratio holds on a noisy machine. Loopback only; every run is bounded by -n.
#   bash bench/load.sh            (N=100000 requests per h2load run, ROUNDS=5, STREAM_N=200000 streamed messages per round)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
ROUNDS=${ROUNDS:-5}
source bench/common.sh
h2load_requests
start_servers

$LB check "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment.bin"
$LB check "$SVC_URL/penalties.v1.PriceMatch/Assess" "$work/price-match.bin"
$LB check "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment-basic.bin"
$LB check "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-late-shipment.bin"
$LB check "$ECHO_URL/bench.echo.Echo/Sized" "$work/sized-late-shipment.bin"


results="$work/results"
: > "$results"
# Warm up both servers: until the JIT has tiered up every path measured, a round measures the JIT too.
N=100000 run warm "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment.bin" 64 >/dev/null
N=100000 run warm "$SVC_URL/penalties.v1.PriceMatch/Assess" "$work/price-match.bin" 64 >/dev/null
N=100000 run warm "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment-basic.bin" 64 >/dev/null
N=100000 run warm "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-late-shipment.bin" 64 >/dev/null
N=100000 run warm "$ECHO_URL/bench.echo.Echo/Sized" "$work/sized-late-shipment.bin" 64 >/dev/null
for streams in 64 256; do
  for round in $(seq 1 "$ROUNDS"); do
    run echo-late "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-late-shipment.bin" "$streams" | tee -a "$results"
    run LateShipment.Assess "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment.bin" "$streams" | tee -a "$results"
    run echo-price "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-price-match.bin" "$streams" | tee -a "$results"
    run PriceMatch.Assess "$SVC_URL/penalties.v1.PriceMatch/Assess" "$work/price-match.bin" "$streams" | tee -a "$results"
    run sized-late "$ECHO_URL/bench.echo.Echo/Sized" "$work/sized-late-shipment.bin" "$streams" | tee -a "$results"
    run sized-price "$ECHO_URL/bench.echo.Echo/Sized" "$work/sized-price-match.bin" "$streams" | tee -a "$results"
    # Not a target: the same late-shipment call in the basic view (no explanation), against its own echo.
    run echo-late-basic "$ECHO_URL/bench.echo.Echo/Echo" "$work/echo-late-shipment-basic.bin" "$streams" | tee -a "$results"
    run LateShipment.Assess/basic "$SVC_URL/penalties.v1.LateShipment/Assess" "$work/late-shipment-basic.bin" "$streams" | tee -a "$results"
  done
done
echo "service RSS after the unary runs: $(service_rss) MiB"

# Batch throughput: a .NET client with 8 AssessStream streams against an echo bidi stream (same message size).
# (with each process's CPU per message: the client's, the service's, the echo server's)
BENCH_PIDS="service:$svc,echo:$echo_pid" $LB stream "$SVC_URL" "$ECHO_URL" "${STREAM_N:-200000}"
echo "service RSS after the streaming runs: $(service_rss) MiB"

echo
echo "median over $ROUNDS rounds (req/s, p99 µs): the service against the echo of the same request size (the"
echo "target's baseline), and against the sized echo (the same request and response sizes, no work):"
# med NAME COLUMN: the median of a column of NAME's results at $streams streams.
med() { median_of "$results" "$1 $streams " "$2"; }
for streams in 64 256; do
  for triple in "LateShipment.Assess echo-late sized-late" "PriceMatch.Assess echo-price sized-price"; do
    set -- $triple
    s_rps=$(med "$1" 3); e_rps=$(med "$2" 3); z_rps=$(med "$3" 3); s_p99=$(med "$1" 4); e_p99=$(med "$2" 4); z_p99=$(med "$3" 4)
    awk -v n="$1" -v s="$streams" -v sr="$s_rps" -v er="$e_rps" -v zr="$z_rps" -v sp="$s_p99" -v ep="$e_p99" -v zp="$z_p99" \
      'BEGIN { printf "%-20s streams %3d: %7.0f req/s (echo %7.0f) = %5.1f%%, p99 %5d µs (echo %5d) = %.2fx | sized echo %7.0f req/s = %5.1f%%, p99 %5d µs = %.2fx\n", n, s, sr, er, 100*sr/er, sp, ep, sp/ep, zr, 100*sr/zr, zp, sp/zp }'
  done
  awk -v s="$streams" -v sr="$(med LateShipment.Assess/basic 3)" -v er="$(med echo-late-basic 3)" -v sp="$(med LateShipment.Assess/basic 4)" -v ep="$(med echo-late-basic 4)" \
    'BEGIN { printf "%-20s streams %3d: %7.0f req/s (echo %7.0f) = %5.1f%%, p99 %5d µs (echo %5d) = %.2fx   (basic view: not a target)\n", "LateShipment basic", s, sr, er, 100*sr/er, sp, ep, sp/ep }'
done
