#!/usr/bin/env bash
# Generates a late-shipment CSV batch of N order lines for `penalties late-shipment --batch FILE.csv`:
# a mix of late, on-time and never-shipped lines across Tmall and Taobao, one order per line.
#   bench/gen-batch.sh 1000000 > /tmp/batch.csv
#   time penalties late-shipment --batch /tmp/batch.csv --view basic --out /tmp/results.csv
set -euo pipefail
n=${1:?usage: gen-batch.sh ROWS}
echo "merchant_id,platform,order_id,paid_at,line_id,amount,shipped_at,evaluated_at,refund_reason"
awk -v n="$n" 'BEGIN {
  for (i = 1; i <= n; i++) {
    platform = (i % 3 == 0) ? "Taobao" : "Tmall"
    amount = sprintf("%d.%02d", 10 + (i * 37) % 4990, i % 100)
    k = i % 4
    shipped = (k == 0) ? "2024-03-02T09:30:00+08:00" : (k == 3) ? "" : "2024-03-05T09:30:00+08:00"
    reason = (k == 3) ? "SellerOutOfStock" : "NotShippedInAgreedTime"
    printf "M-%d,%s,O-%d,2024-03-01T10:00:00+08:00,1,%s,%s,2024-03-20T00:00:00+08:00,%s\n", i % 1000, platform, i, amount, shipped, reason
  }
}'
