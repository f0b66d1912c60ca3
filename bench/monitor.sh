#!/bin/sh
# make bench-monitor: sustained ingestion of vital signs with NEWS2 and
# alerting, every write durable and audited: complete sets through the JSON
# API, single FHIR Observations, and batch Bundles of 100, at 10,000 and
# 100,000 patients, on SQLite and PostgreSQL, and on SQLite without scoring
# to show what scoring costs. Server on core 0, wrk on core 1 with 64
# connections, median of 3 runs. Observations per second = requests per
# second x observations per request (7, 1, 100).
set -eu
cd "$(dirname "$0")"
BENCH=$(pwd)
ROOT=$(cd .. && pwd)
HB="$ROOT/build/helsebro"
T=$(mktemp -d /tmp/hb-bench-mon.XXXXXX)
DUR=${BENCH_SECONDS:-8}
RUNS=${BENCH_RUNS:-3}
SIZES=${BENCH_SIZES:-"10000 100000"}
export LUA_DIR="$BENCH/lua"
. "$ROOT/tests/lib/pg.sh"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; pg_stop; }
trap cleanup EXIT INT TERM
pg_start

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

measure() { # name script per-request port token
    : > "$T/runs"
    for _ in $(seq 1 "$RUNS"); do
        TOKEN=$5 IDS="$T/ids" taskset -c 1 wrk -t1 -c64 -d"${DUR}s" -s "$BENCH/lua/$2" "http://127.0.0.1:$4" \
            | awk '/^RESULT/ { printf "%.0f %d %d %d %d\n", $2 / ($3 / 1e6), $4, $5, $6, $7 }' >> "$T/runs"
    done
    m=$(sort -n "$T/runs" | sed -n "$(( (RUNS + 1) / 2 ))p")
    echo "$1 $3 $m" | awk '{ printf "| %s | %s | %d | %.2f | %.2f | %s | %s |\n", $1, $3 * $2, $3, $4 / 1000, $5 / 1000, $6, $7 }'
}

echo "| run | observations/s | requests/s | p50 ms | p99 ms | non-2xx | errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $SIZES; do
    for backend in sqlite postgresql sqlite-no-scoring; do
        case $backend in
        postgresql) DB=$(pg_newdb "mon$n") ;;
        *) DB="sqlite:$T/$backend-$n.db" ;;
        esac
        "$HB" seed demo --db "$DB" >/dev/null
        "$HB" seed patients --db "$DB" --count "$n" --municipality 4631 2>/dev/null
        TOKEN=$("$HB" token create --db "$DB" --username sykepleier.kad)
        MUNI=$(echo "SELECT id FROM org WHERE kommunenummer = '4631'" | \
            if [ "$backend" = postgresql ]; then psql -At "$DB"; else sqlite3 "$T/$backend-$n.db"; fi)
        echo "SELECT id FROM patient WHERE municipality_id = $MUNI" | \
            if [ "$backend" = postgresql ]; then psql -At "$DB"; else sqlite3 "$T/$backend-$n.db"; fi > "$T/ids"
        PORT=$(free_port)
        FLAGS=""
        [ "$backend" = sqlite-no-scoring ] && FLAGS="--no-scoring"
        taskset -c 0 "$HB" serve --db "$DB" --listen "127.0.0.1:$PORT" --web "$ROOT/web" $FLAGS \
            2>"$T/server.log" >/dev/null &
        PID=$!
        for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
        measure "$backend-$n-sets" vitals.lua 7 "$PORT" "$TOKEN"
        measure "$backend-$n-single" observation.lua 1 "$PORT" "$TOKEN"
        measure "$backend-$n-bundle100" bundle.lua 100 "$PORT" "$TOKEN"
        kill "$PID"
        wait "$PID" 2>/dev/null || true
        PID=""
    done
done
