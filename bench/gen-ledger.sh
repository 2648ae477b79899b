#!/usr/bin/env bash
# Generates the reconcile benchmark's data: a ledger export of N late-shipment decisions (JSONL, decided by the real
# calculator) over the China day 2024-03-01 and a payouts CSV of N rows paying them (every 10,000th one unpaid and
# replaced by a payout owed by nobody), then shows the timed command.
#   bash bench/gen-ledger.sh 1000000 /tmp/fin
set -euo pipefail
n=${1:?usage: gen-ledger.sh ROWS DIR}
dir=${2:?usage: gen-ledger.sh ROWS DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
dotnet run -c Release --project "$root/bench/Penalties.Bench" -- --gen-ledger "$n" "$dir/ledger.jsonl" "$dir/payouts.csv"
cat <<MSG
wrote $dir/ledger.jsonl and $dir/payouts.csv; the benchmark (expect exit 4: the injected differences):
  dotnet build $root/services/Penalties.Cli -c Release -o /tmp/cli
  /usr/bin/time -f "%U user %e wall %M KB" /tmp/cli/penalties reconcile --ledger $dir/ledger.jsonl --payouts $dir/payouts.csv \\
    --from 2024-03-01T00:00:00+08:00 --to 2024-03-02T00:00:00+08:00 --out $dir/differences.csv
MSG
