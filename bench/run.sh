#!/bin/sh
# make bench: Helsebro against nginx (static JSON: the HTTP ceiling), the Medplum
# FHIR engine and the Asymmetrik FHIR server, on the same 10,400 patients.
# Servers are pinned to core 0 and wrk to core 1; each line is the median of 3
# runs. Results go to stdout and bench/results/latest.md.
set -eu
cd "$(dirname "$0")"
BENCH=$(pwd)
ROOT=$(cd .. && pwd)
HB="$ROOT/build/helsebro"
T=$(mktemp -d /tmp/hb-bench.XXXXXX)
chmod 755 "$T" # nginx workers read the static files as another user
DUR=${BENCH_SECONDS:-8}
CONN=${BENCH_CONNECTIONS:-64}
RUNS=${BENCH_RUNS:-3}
export LUA_DIR="$BENCH/lua"
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_port() { for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

echo "== preparing data in $T"
DB="sqlite:$T/helsebro.db"
"$HB" seed demo --db "$DB" >/dev/null
"$HB" seed patients --db "$DB" --count 10000 --municipality 4631 2>/dev/null
TOKEN=$("$HB" token create --db "$DB" --username tildeling.alver)
sqlite3 "$T/helsebro.db" "SELECT resource FROM patient" > "$T/patients.ndjson"
sqlite3 "$T/helsebro.db" "SELECT p.id FROM patient p JOIN org o ON o.id = p.municipality_id WHERE o.kommunenummer = '4631'" > "$T/hb_ids"
echo "$(wc -l < "$T/patients.ndjson") patients, $(wc -l < "$T/hb_ids") readable by the benchmark user"

HB_PORT=$(free_port)
taskset -c 0 "$HB" serve --db "$DB" --listen "127.0.0.1:$HB_PORT" --web "$ROOT/web" 2>"$T/helsebro.log" >/dev/null &
HB_PID=$!
PIDS="$PIDS $!"

NGINX_PORT=$(free_port)
mkdir -p "$T/static/fhir/Patient"
head -n 1 "$T/patients.ndjson" > "$T/static/fhir/Patient/x"
echo '{"status":"ok"}' > "$T/static/healthz"
cat > "$T/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $T/static;
    location /fhir/Patient/ { try_files /fhir/Patient/x =404; }
  }
}
NGINX
taskset -c 0 nginx -c "$T/nginx.conf" &
NGINX_PID=$!
PIDS="$PIDS $!"

MP_PORT=$(free_port)
taskset -c 0 node --experimental-websocket "$BENCH/peers/medplum.mjs" "$MP_PORT" "$T/patients.ndjson" "$T/mp_ids" >"$T/medplum.log" 2>&1 &
MP_PID=$!
PIDS="$PIDS $!"
AS_PORT=$(free_port)
taskset -c 0 node "$BENCH/peers/asymmetrik/server.cjs" "$AS_PORT" "$T/asym.db" "$T/patients.ndjson" "$T/as_ids" >"$T/asym.log" 2>&1 &
AS_PID=$!
PIDS="$PIDS $!"
wait_port "$HB_PORT"; wait_port "$NGINX_PORT"; wait_port "$MP_PORT"; wait_port "$AS_PORT"
while [ ! -s "$T/mp_ids" ] || [ ! -s "$T/as_ids" ]; do sleep 0.2; done

# measure NAME URL SCRIPT [env...]: prints "rps p50us p99us non2xx errors" (median run by rps)
measure() {
    name=$1; url=$2; script=$3; shift 3
    : > "$T/runs"
    for _ in $(seq 1 "$RUNS"); do
        env "$@" taskset -c 1 wrk -t1 -c"$CONN" -d"${DUR}s" -s "$BENCH/lua/$script" "$url" \
            | awk -v d="$DUR" '/^RESULT/ { printf "%.0f %d %d %d %d\n", $2 / ($3 / 1e6), $4, $5, $6, $7 }' >> "$T/runs"
    done
    sort -n "$T/runs" | sed -n "$(( (RUNS + 1) / 2 ))p" > "$T/median"
    printf '%s %s\n' "$name" "$(cat "$T/median")" | tee -a "$T/results"
}

: > "$T/results"
echo "== measuring ($RUNS runs of ${DUR}s, $CONN connections)"
measure "healthz helsebro" "http://127.0.0.1:$HB_PORT" get.lua PATH_FIXED=/healthz
measure "healthz nginx" "http://127.0.0.1:$NGINX_PORT" get.lua PATH_FIXED=/healthz
measure "read helsebro" "http://127.0.0.1:$HB_PORT" read.lua IDS="$T/hb_ids" PREFIX=/fhir/Patient/ TOKEN="$TOKEN"
measure "read nginx" "http://127.0.0.1:$NGINX_PORT" read.lua IDS="$T/hb_ids" PREFIX=/fhir/Patient/
measure "read medplum" "http://127.0.0.1:$MP_PORT" read.lua IDS="$T/mp_ids" PREFIX=/fhir/Patient/
measure "read asymmetrik" "http://127.0.0.1:$AS_PORT" read.lua IDS="$T/as_ids" PREFIX=/4_0_0/Patient/
measure "search helsebro" "http://127.0.0.1:$HB_PORT" search.lua PREFIX=/fhir/Patient TOKEN="$TOKEN"
measure "search medplum" "http://127.0.0.1:$MP_PORT" search.lua PREFIX=/fhir/Patient
measure "search asymmetrik" "http://127.0.0.1:$AS_PORT" search.lua PREFIX=/4_0_0/Patient
measure "create helsebro" "http://127.0.0.1:$HB_PORT" create.lua PREFIX=/fhir/Patient TOKEN="$TOKEN"
measure "create medplum" "http://127.0.0.1:$MP_PORT" create.lua PREFIX=/fhir/Patient
measure "create asymmetrik" "http://127.0.0.1:$AS_PORT" create.lua PREFIX=/4_0_0/Patient

# Peak resident memory (VmHWM) of each server and its children, in KiB.
peak_kib() {
    total=0
    for p in $1 $(ps -o pid= --ppid "$1"); do
        kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}
{
    echo "helsebro $(peak_kib "$HB_PID")"
    echo "nginx $(peak_kib "$NGINX_PID")"
    echo "medplum $(peak_kib "$MP_PID")"
    echo "asymmetrik $(peak_kib "$AS_PID")"
} > "$T/memory"

mkdir -p "$BENCH/results"
node "$BENCH/report.mjs" "$T/results" "$T/memory" > "$BENCH/results/latest.md"
echo
cat "$BENCH/results/latest.md"
