#!/usr/bin/env bash
# Tether vs Mosquitto on loopback, side by side, with build/tether-bench as the load generator.
#
#   bench/compare.sh [--out DIR]
#
# Every scenario runs against three servers, each started fresh for that run (so peak RSS and CPU
# time belong to one scenario), in an order that rotates between scenarios:
#   tether   build/tether serve, plain MQTT realm, anonymous, default workers (one per core)
#   mosq-a   Mosquitto: max_queued_messages 100000, max_inflight_messages 0, no persistence, Nagle on
#   mosq-b   the same with set_tcp_nodelay true
#   tether-scraped  (with SCRAPE=1) tether, with --http-listen and curl fetching /metrics every second
# Ratios are Tether / the better of the two Mosquitto configurations (named in the table); with SCRAPE=1
# also scraped / unscraped Tether, the cost of the metrics (issue 19 wants it within noise).
# Environment: TETHER, BENCH, MOSQUITTO (binaries), SCALE (multiplies message counts, default 1),
# CONNECTIONS (idle connections, default: the fd hard limit minus 500), SCENARIOS (a subset of
# "fan-in-qos0 fan-in-qos1 fan-out-qos0 latency-qos1 connections"; latency-qos1 brings fan-in-qos1
# along, since its rate is half of the best Mosquitto fan-in QoS 1 rate).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tether=${TETHER:-$root/build/tether}
bench=${BENCH:-$root/build/tether-bench}
mosquitto=${MOSQUITTO:-/usr/sbin/mosquitto}
scale=${SCALE:-1}
scrape=${SCRAPE:-0}
scenarios=" ${SCENARIOS:-fan-in-qos0 fan-in-qos1 fan-out-qos0 latency-qos1 connections} "
[[ $scenarios == *" latency-qos1 "* ]] && scenarios+="fan-in-qos1 "
wanted() { [[ $scenarios == *" $1 "* ]]; }
out=""
if [[ ${1:-} == --out ]]; then out=$2; fi

for bin in "$tether" "$bench" "$mosquitto"; do
  [[ -x $bin ]] || { echo "compare.sh: $bin not found (build with: cmake --build build --target tether tether-bench)" >&2; exit 2; }
done

# Both servers and the generator hold one descriptor per connection.
ulimit -n "$(ulimit -Hn)"
connections=${CONNECTIONS:-$(( $(ulimit -n) - 500 ))}

work=$(mktemp -d /tmp/tether-compare.XXXXXX)
# Snapshot the binaries: a rebuild in the tree during the run must not swap them out under us.
cp "$tether" "$work/tether" && tether=$work/tether
cp "$bench" "$work/tether-bench" && bench=$work/tether-bench
results=$work/results.tsv
: >"$results"
server_pid=""
scraper_pid=""

stop_server() {
  if [[ -n $scraper_pid ]]; then kill "$scraper_pid" 2>/dev/null || true; wait "$scraper_pid" 2>/dev/null || true; fi
  scraper_pid=""
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# start_server NAME PORT: starts one server in the background; sets server_pid.
start_server() {
  local name=$1 port=$2 dir=$work/$1-$2
  mkdir -p "$dir"
  case $name in
    tether|tether-scraped)
      local http=""
      [[ $name == tether-scraped ]] && http=127.0.0.1:$(free_port)
      "$tether" serve --mqtt-listen "127.0.0.1:$port" --mqtt-allow-anonymous --gateway-v3-listen "" \
        --gateway-v3-tls-listen "" --application-listen "" --application-tls-listen "" --log-level warn \
        --http-listen "$http" --data-dir "$dir" >"$dir/log" 2>&1 &
      ;;
    mosq-a|mosq-b)
      {
        echo "listener $port 127.0.0.1"
        echo "allow_anonymous true"
        echo "persistence false"
        echo "max_queued_messages 100000"
        echo "max_inflight_messages 0"
        echo "log_dest none"
        [[ $name == mosq-b ]] && echo "set_tcp_nodelay true"
      } >"$dir/mosquitto.conf"
      "$mosquitto" -c "$dir/mosquitto.conf" >"$dir/log" 2>&1 &
      ;;
  esac
  server_pid=$!
  wait_for_port "$port" || { echo "compare.sh: $name did not start:" >&2; cat "$dir/log" >&2; exit 1; }
  if [[ $name == tether-scraped ]]; then
    # As Prometheus would: one scrape a second, each one checked (status and size go to the log).
    ( while true; do curl -s -o /dev/null -w "%{http_code} %{size_download}\n" "http://$http/metrics" \
        >>"$dir/scrapes"; sleep 1; done ) &
    scraper_pid=$!
  fi
}

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat"; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# run_case CASE SERVER BENCH-ARGS...: one scenario against one fresh server; appends a result line.
run_case() {
  local case=$1 name=$2; shift 2
  local port; port=$(free_port)
  start_server "$name" "$port"
  local extra=()
  [[ $1 == connections ]] && extra=(--server-pid "$server_pid")
  local cpu0; cpu0=$(cpu_seconds "$server_pid")
  local json rc=0
  json=$("$bench" "$@" --port "$port" --json "${extra[@]}" 2>"$work/bench.err") || rc=$?
  local cpu1; cpu1=$(cpu_seconds "$server_pid")
  local hwm; hwm=$(peak_rss_kib "$server_pid")
  stop_server
  if [[ $name == tether-scraped ]]; then
    echo "  scrapes during $case: $(grep -c '^200 ' "$work/$name-$port/scrapes" || true) answered 200" >&2
  fi
  [[ -n $json ]] || json='{"ok":false}'
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$name" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{printf "%.3f", b-a}')" \
    "$hwm" "$rc" "$json" >>"$results"
  echo "  $case on $name: rc=$rc $json" >&2
  [[ $rc == 0 ]] || sed 's/^/    tether-bench: /' "$work/bench.err" >&2
}

servers=(tether mosq-a mosq-b)
[[ $scrape == 1 ]] && servers+=(tether-scraped)
rotation=0
# run_all CASE BENCH-ARGS...: the scenario against every server, the starting server rotating.
run_all() {
  local case=$1; shift
  wanted "$case" || return 0
  echo "$case: tether-bench $*" >&2
  local n=${#servers[@]}
  for (( k = 0; k < n; k++ )); do
    run_case "$case" "${servers[$(( (k + rotation) % n ))]}" "$@"
  done
  rotation=$(( rotation + 1 ))
}

best_mosquitto_rate() {
  python3 - "$results" "$1" <<'PY'
import json, sys
best = 0.0
for line in open(sys.argv[1]):
    case, server, _, _, _, js = line.rstrip("\n").split("\t", 5)
    if case == sys.argv[2] and server.startswith("mosq"):
        best = max(best, json.loads(js).get("delivered_per_s", 0.0))
print(int(best))
PY
}

started=$(date +%s)
run_all fan-in-qos0 fan-in --clients 16 --qos 0 --payload 64 --count $(( 12500 * scale ))
run_all fan-in-qos1 fan-in --clients 16 --qos 1 --payload 64 --count $(( 5000 * scale ))
run_all fan-out-qos0 fan-out --clients 100 --qos 0 --payload 64 --count $(( 2000 * scale ))
half=0
wanted latency-qos1 && half=$(( $(best_mosquitto_rate fan-in-qos1) / 2 ))
(( half > 0 )) || half=1000
run_all latency-qos1 fan-in --clients 16 --qos 1 --payload 64 --rate "$half" --duration 8
run_all connections connections --clients "$connections" --hold 5 --concurrency 64
elapsed=$(( $(date +%s) - started ))

if [[ -n $out ]]; then mkdir -p "$out"; cp "$results" "$out/"; fi
python3 - "$results" "$elapsed" "$connections" <<'PY'
import json, sys

rows = {}
for line in open(sys.argv[1]):
    case, server, cpu, hwm, rc, js = line.rstrip("\n").split("\t", 5)
    rows[(case, server)] = dict(cpu=float(cpu), hwm=int(hwm or 0), rc=int(rc), r=json.loads(js))
elapsed, connections = sys.argv[2], sys.argv[3]
names = {"mosq-a": "Mosquitto A", "mosq-b": "Mosquitto B"}

def get(case, server):
    return rows.get((case, server), dict(cpu=0, hwm=0, rc=1, r={}))

# (case, label, value of a result, higher is better, target ratio)
measures = [
    ("fan-in-qos0", "fan-in QoS 0, 16 pub, 64 B: msgs/s", lambda r: r.get("delivered_per_s", 0), True, 2.0),
    ("fan-in-qos1", "fan-in QoS 1, 16 pub, 64 B: msgs/s", lambda r: r.get("delivered_per_s", 0), True, 2.0),
    ("fan-out-qos0", "fan-out QoS 0, 100 sub, 64 B: deliveries/s", lambda r: r.get("delivered_per_s", 0), True, 2.0),
    ("latency-qos1", "latency QoS 1 @ {rate} msgs/s: p50 us", lambda r: r.get("latency_us", {}).get("p50", 0), False, None),
    ("latency-qos1", "latency QoS 1 @ {rate} msgs/s: p99 us", lambda r: r.get("latency_us", {}).get("p99", 0), False, 1.0),
    ("latency-qos1", "latency QoS 1 @ {rate} msgs/s: p99.9 us", lambda r: r.get("latency_us", {}).get("p999", 0), False, None),
    ("connections", "idle connections held", lambda r: r.get("connected", 0) - r.get("lost_while_held", 0), True, None),
    ("connections", "idle connections: KiB RSS per connection", lambda r: r.get("server_kib_per_connection", 0), False, 1.0),
]

def fmt(v):
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"

print()
print("| measure | Tether | Mosquitto A | Mosquitto B | Tether / best Mosquitto | target |")
print("|---|---:|---:|---:|---|---|")
all_met = True
for case, label, value, higher, target in measures:
    rate = get(case, "tether")["r"].get("target_rate", 0)
    t, a, b = (value(get(case, s)["r"]) for s in ("tether", "mosq-a", "mosq-b"))
    best_name, best = ("mosq-a", a) if (a >= b) == higher else ("mosq-b", b)
    ratio = f"{t / best:.2f}x (vs {names[best_name][-1]})" if best else "n/a"
    goal = ""
    if target is not None and best:
        met = t / best >= target if higher else t / best <= target
        all_met &= met
        goal = f"{'>=' if higher else '<='} {target:g}x: {'met' if met else 'MISSED'}"
    print(f"| {label.format(rate=f'{rate:,.0f}')} | {fmt(t)} | {fmt(a)} | {fmt(b)} | {ratio} | {goal} |")

print()
print("| scenario | server | verified | CPU s | CPU us / delivery | peak RSS MiB |")
print("|---|---|---|---:|---:|---:|")
tether_ok = True
for case in ("fan-in-qos0", "fan-in-qos1", "fan-out-qos0", "latency-qos1", "connections"):
    for server in ("tether", "mosq-a", "mosq-b", "tether-scraped"):
        if (case, server) not in rows:  # not in SCENARIOS, or no scraped server
            continue
        x = get(case, server)
        r = x["r"]
        ok = r.get("ok", False)
        if server == "tether":
            tether_ok &= ok
        why = "ok" if ok else "FAILED " + ", ".join(
            f"{k} {r[k]}" for k in ("missing", "disordered", "unexpected", "errors", "failed") if r.get(k))
        n = r.get("delivered", 0)
        per = f"{x['cpu'] * 1e6 / n:.1f}" if n else ""
        print(f"| {case} | {server} | {why} | {x['cpu']:.2f} | {per} | {x['hwm'] / 1024:.1f} |")
if any(server == "tether-scraped" for _, server in rows):
    print()
    print("| measure | Tether | Tether, /metrics scraped every 1 s | scraped / plain |")
    print("|---|---:|---:|---|")
    for case, label, value, higher, target in measures:
        rate = get(case, "tether")["r"].get("target_rate", 0)
        t, s = value(get(case, "tether")["r"]), value(get(case, "tether-scraped")["r"])
        ratio = f"{s / t:.2f}x" if t else "n/a"
        print(f"| {label.format(rate=f'{rate:,.0f}')} | {fmt(t)} | {fmt(s)} | {ratio} |")
    for case in ("fan-in-qos0", "fan-in-qos1", "fan-out-qos0", "latency-qos1", "connections"):
        if (case, "tether-scraped") in rows:
            tether_ok &= get(case, "tether-scraped")["r"].get("ok", False)

print()
print(f"whole run: {elapsed} s; connections requested: {connections}; targets {'all met' if all_met else 'NOT all met'}")
sys.exit(0 if tether_ok else 1)
PY
