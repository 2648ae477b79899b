# Sourced by the load scripts: a temporary folder and the processes to stop on exit, the Release builds,
# and helpers to start the echo server and the all-in-one host, wait for their ports, install what is missing
# and print the host's memory.
ECHO_URL=http://127.0.0.1:5190
SVC_URL=http://127.0.0.1:5100
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release services/Penalties.AllInOne -v q -nologo >/dev/null
dotnet build -c Release bench/Penalties.LoadBench -v q -nologo >/dev/null
LB="dotnet bench/Penalties.LoadBench/bin/Release/net10.0/Penalties.LoadBench.dll"

# Both servers run with the GC setting the images carry (services/Container.props), as deployed.
GC_ENV="DOTNET_GCgen0size=$(grep -oP 'Include="DOTNET_GCgen0size" Value="\K[^"]+' services/Container.props)"

# start_servers [extra host arguments...]: the echo on 5190 and the all-in-one host on 5100 ($echo_pid, $svc).
start_servers() {
  start_echo
  start_host "$@"
}

# start_echo: the bare echo gRPC server on 5190 ($echo_pid).
start_echo() {
  env "$GC_ENV" $LB echo --urls "$ECHO_URL" >/dev/null 2>&1 & echo_pid=$!; pids+=($echo_pid)
  wait_ports 5190
}

# start_host [extra host arguments...]: the all-in-one host on $SVC_URL ($svc is its pid); $HOST_DLL, if set, is
# another build of it (e.g. of an earlier commit, built in a git worktree) to start instead; $HOST_ENV, if set, is
# more environment for it (NAME=VALUE ..., after the GC setting, so it may change that).
start_host() {
  # shellcheck disable=SC2086 # HOST_ENV is split on purpose
  env "$GC_ENV" ${HOST_ENV:-} dotnet "${HOST_DLL:-services/Penalties.AllInOne/bin/Release/net10.0/Penalties.AllInOne.dll}" --urls "$SVC_URL" --Logging:LogLevel:Default=Warning "$@" >/dev/null 2>&1 & svc=$!; pids+=($svc)
  wait_ports "${SVC_URL##*:}"
}

# wait_ports PORT...: waits up to 20 s for each port to accept a connection; fails saying which did not.
wait_ports() {
  local port
  for port in "$@"; do
    for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && continue 2; sleep 0.2; done
    echo "nothing listens on 127.0.0.1:$port after 20 s" >&2
    return 1
  done
}

# need COMMAND PACKAGE: installs the Debian package if the command is missing.
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }; }

# h2load_requests: installs h2load if missing and writes the pre-framed request files into $work.
h2load_requests() {
  need h2load nghttp2-client
  $LB write-requests "$work" >/dev/null
}

# median_of FILE PREFIX COLUMN: the median of COLUMN over the lines of FILE that start with PREFIX.
median_of() { grep "^$2" "$1" | awk -v c="$3" '{print $c}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# service_rss: the all-in-one host's resident memory in MiB.
service_rss() { echo $(($(ps -o rss= -p "$svc") / 1024)); }

# cpu_ticks PID: the process's CPU time so far (user + system), in clock ticks (fields 14 and 15 of /proc/PID/stat,
# counted after the command name in parentheses, which may hold spaces).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
TICKS_PER_SECOND=$(getconf CLK_TCK)

# run NAME URL FILE STREAMS [PID] -> prints "NAME STREAMS req/s p99_us failed [server_cpu_us_per_call]": h2load sends
# $N unary calls of the pre-framed FILE over 4 connections (STREAMS in all), the p99 comes from its per-request log,
# and with PID the server's CPU per call from /proc before and after.
run() {
  local name=$1 url=$2 file=$3 streams=$4 pid=${5:-} clients=4
  local per=$((streams / clients)) before=0
  rm -f "$work/log"  # h2load appends to its log file
  [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  h2load -n "$N" -c "$clients" -m "$per" -d "$file" -H 'content-type: application/grpc' -H 'te: trailers' \
    --log-file="$work/log" "$url" > "$work/out"
  local rps failed p99 cpu=""
  [ -n "$pid" ] && cpu=$(awk -v t=$(($(cpu_ticks "$pid") - before)) -v hz="$TICKS_PER_SECOND" -v n="$N" 'BEGIN { printf " %.2f", t * 1e6 / hz / n }')
  rps=$(grep -oE 'finished in [0-9.]+[a-z]+, [0-9.]+ req/s' "$work/out" | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1)
  failed=$(grep -oE '[0-9]+ failed' "$work/out" | head -1 | cut -d' ' -f1)
  p99=$(cut -f3 "$work/log" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; print a[i]}')
  echo "$name $streams $rps $p99 $failed$cpu"
}
