#!/usr/bin/env bash
# One end-to-end run: a fresh server, `tether sim` at RATE for 10 s, with or without a curl loop scraping
# /metrics every second (what issue 19 asks: the metrics must cost nothing measurable). Prints the
# simulator's summary, the server's CPU time and, when scraping, the scrapes' status, size and time.
# Usage: bench/e2e_scrape.sh build/tether RATE scrape|plain LABEL
set -u
bin=$1; rate=$2; mode=$3; label=$4
dir=$(mktemp -d /tmp/v2fail-e2e-XXXX)
base=$((22000 + RANDOM % 5000))
gw=$base; app=$((base+1)); mq=$((base+2)); http=$((base+3))
$bin serve --data-dir $dir --gateway-v3-listen 127.0.0.1:$gw --application-listen 127.0.0.1:$app \
  --mqtt-listen 127.0.0.1:$mq --gateway-v2-listen "" --gateway-v3-tls-listen "" --application-tls-listen "" \
  --http-listen 127.0.0.1:$http --log-level warn > $dir/serve.log 2>&1 &
srv=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:$http/healthz >/dev/null && break; sleep 0.2; done
scraper=
if [ "$mode" = scrape ]; then
  ( while true; do curl -s -o /dev/null -w "%{http_code} %{size_download} %{time_total}\n" \
      http://127.0.0.1:$http/metrics >> $dir/scrapes.log; sleep 1; done ) &
  scraper=$!
fi
$bin sim --data-dir $dir --gateway-address 127.0.0.1:$gw --application-address 127.0.0.1:$app \
  --gateways 3 --devices 1000 --activation abp --rate $rate --duration 10s > $dir/sim.log 2>&1
echo "== $label $mode rate=$rate $(date -u +%H:%M:%S) load=$(cut -d' ' -f1-3 /proc/loadavg)"
grep -E "sent|received|missing|p50|p99|PASS|FAIL" $dir/sim.log | head -12
ticks=$(awk '{print $14+$15}' /proc/$srv/stat); echo "server cpu $(echo "scale=2; $ticks/$(getconf CLK_TCK)" | bc) s"
[ -f $dir/scrapes.log ] && awk '{n++; if ($1==200) ok++; b+=$2; t+=$3} END {printf "scrapes %d (%d ok), %.0f bytes, %.1f ms avg\n", n, ok, b/n, 1000*t/n}' $dir/scrapes.log
[ -n "$scraper" ] && kill $scraper
kill $srv; wait $srv 2>/dev/null
rm -rf $dir
