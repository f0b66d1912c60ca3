#!/bin/sh
# make bench-analytics: the indicator engine against SQL in SQLite,
# PostgreSQL and DuckDB on the same generated country (gen national: 356
# municipalities, 5.5 million inhabitants x BENCH_SCALE, BENCH_YEARS years)
# and the same indicator definitions (bench/analytics/queries.sql on the
# facts `helsebro analytics export` writes). Checks that all four give the
# same answers for BENCH_YEAR (default last year) and prints times (median
# of BENCH_RUNS) and peak memory. The generated database is kept in
# bench/data/ and reused.
set -eu
cd "$(dirname "$0")"
BENCH=$(pwd)
ROOT=$(cd .. && pwd)
HB="$ROOT/build/helsebro"
SCALE=${BENCH_SCALE:-1}
YEARS=${BENCH_YEARS:-10}
RUNS=${BENCH_RUNS:-5}
YEAR=${BENCH_YEAR:-$(( $(date +%Y) - 1 ))}
DATA="$BENCH/data/national-$SCALE-$YEARS"
OUT="$DATA/out"
mkdir -p "$OUT"
. "$ROOT/tests/lib/pg.sh"
cleanup() { pg_stop; }
trap cleanup EXIT INT TERM

A=$(( YEAR * 12 )); B=$(( YEAR * 12 + 11 )); A10=$(( (YEAR - YEARS + 1) * 12 ))

if [ ! -f "$DATA/national.db" ]; then
    echo "== gen national --scale $SCALE --years $YEARS"
    "$HB" gen national --db "sqlite:$DATA/national.db.tmp" --scale "$SCALE" --years "$YEARS" 2>/dev/null
    mv "$DATA/national.db.tmp" "$DATA/national.db"
fi
"$HB" migrate --db "sqlite:$DATA/national.db" >/dev/null
if [ ! -f "$DATA/stays.csv" ]; then
    "$HB" analytics export --db "sqlite:$DATA/national.db" --out "$DATA"
fi
echo "== data: $(($(wc -l < "$DATA/stays.csv") - 1)) stays, $(sqlite3 "$DATA/national.db" 'SELECT COUNT(*) FROM patient') patients," \
    "$(sqlite3 "$DATA/national.db" 'SELECT COUNT(*) FROM observation') observations, year $YEAR"

echo "== helsebro engine (loads from the SQLite database itself)"
taskset -c 0 "$HB" analytics bench --db "sqlite:$DATA/national.db" --out "$OUT" --year "$YEAR" --runs 21

# The queries with {A}/{B} filled in; SQLite spells LEAST/GREATEST MIN/MAX.
queries() { # dialect a b -> "name<TAB>sql" lines, one per query (newlines folded)
    awk -v d="$1" -v a="$2" -v b="$3" '
        /^-- [a-z_]+$/ { name = $2; gsub(/\{A\}/, a, q); gsub(/\{B\}/, b, q); sub(/;[ ]*$/, "", q);
                         if (d == "sqlite") { gsub(/LEAST/, "MIN", q); gsub(/GREATEST/, "MAX", q) }
                         print name "\t" q; q = ""; next }
        /^--/ { next }
        { q = q " " $0 }' "$BENCH/analytics/queries.sql"
}

echo "== sqlite $(sqlite3 --version | cut -d' ' -f1)"
S="$DATA/sql.db"
if [ ! -f "$S" ]; then
    sqlite3 "$S" <<SQL
CREATE TABLE stays (nr TEXT, patient INTEGER, unit INTEGER, start_min INTEGER, end_min INTEGER,
  start_month INTEGER, end_month INTEGER, emergency INTEGER, transfer INTEGER, home INTEGER,
  index_end INTEGER, old INTEGER);
CREATE TABLE months (month INTEGER PRIMARY KEY, start_min INTEGER, end_min INTEGER);
.mode csv
.import --skip 1 $DATA/stays.csv stays
.import --skip 1 $DATA/months.csv months
UPDATE stays SET end_month = NULL WHERE end_month = '';
CREATE INDEX stays_start_month ON stays (start_month);
CREATE INDEX stays_end_month ON stays (end_month);
CREATE INDEX stays_unit ON stays (unit, start_min);
CREATE INDEX stays_patient ON stays (patient, start_min);
ANALYZE;
SQL
fi
run_sqlite() { # name sql: the median time, and the CLI's peak memory after the query
    best=""
    for _ in $(seq 1 "$RUNS"); do
        out=$(printf '.timer on\n.headers on\n.mode csv\n.once %s\n%s;\n.shell grep VmHWM /proc/$PPID/status\n' \
            "$OUT/sqlite-$1.csv" "$2" | sqlite3 "$S")
        best="$best $(echo "$out" | awk '/Run Time/ { print $4 * 1000 }')"
        rss=$(echo "$out" | awk '/VmHWM/ { printf "%.1f", $2 / 1024 }')
    done
    echo "sqlite $1_ms=$(echo $best | tr ' ' '\n' | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p") peak_rss_mib=$rss"
}
queries sqlite "$A" "$B" | while IFS="$(printf '\t')" read -r name sql; do run_sqlite "$name" "$sql"; done
queries sqlite "$A10" "$B" | grep '^readmissions' | while IFS="$(printf '\t')" read -r name sql; do
    run_sqlite readmissions_10y "$sql"; done

echo "== postgresql $(psql --version | awk '{ print $3 }')"
pg_start >/dev/null
P=$(pg_newdb analytics)
psql -q "$P" <<SQL
CREATE TABLE stays (nr TEXT, patient INTEGER, unit INTEGER, start_min BIGINT, end_min BIGINT,
  start_month INTEGER, end_month INTEGER, emergency INTEGER, transfer INTEGER, home INTEGER,
  index_end INTEGER, old INTEGER);
CREATE TABLE months (month INTEGER PRIMARY KEY, start_min BIGINT, end_min BIGINT);
\copy stays FROM '$DATA/stays.csv' WITH (FORMAT csv, HEADER true)
\copy months FROM '$DATA/months.csv' WITH (FORMAT csv, HEADER true)
CREATE INDEX stays_start_month ON stays (start_month);
CREATE INDEX stays_end_month ON stays (end_month);
CREATE INDEX stays_unit ON stays (unit, start_min);
CREATE INDEX stays_patient ON stays (patient, start_min);
VACUUM ANALYZE stays;
VACUUM ANALYZE months;
SQL
run_pg() { # name sql: the median time, and the peak memory of the backend that ran it
    best=""
    for _ in $(seq 1 "$RUNS"); do
        out=$(printf 'SELECT pg_backend_pid() AS pid \\gset\n\\timing on\n\\o %s\n%s;\n\\o\n\\timing off\n\\setenv HB_PG_PID :pid\n\\! grep VmHWM /proc/$HB_PG_PID/status\n' \
            "$OUT/postgres-$1.raw" "$2" | psql -q -A -F, "$P")
        best="$best $(echo "$out" | awk '/^Time:/ { print $2 }')"
        rss=$(echo "$out" | awk '/VmHWM/ { printf "%.1f", $2 / 1024 }')
    done
    grep -v '^(' "$OUT/postgres-$1.raw" > "$OUT/postgres-$1.csv"
    echo "postgres $1_ms=$(echo $best | tr ' ' '\n' | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p") backend_peak_rss_mib=$rss"
}
queries pg "$A" "$B" | while IFS="$(printf '\t')" read -r name sql; do run_pg "$name" "$sql"; done
queries pg "$A10" "$B" | grep '^readmissions' | while IFS="$(printf '\t')" read -r name sql; do run_pg readmissions_10y "$sql"; done
echo "postgres shared_buffers=$(psql -At "$P" -c 'SHOW shared_buffers') work_mem=$(psql -At "$P" -c 'SHOW work_mem') table=$(psql -At "$P" -c "SELECT pg_size_pretty(pg_total_relation_size('stays'))")"

echo "== duckdb"
node "$BENCH/analytics/duckdb.mjs" "$DATA" "$OUT" "$A" "$B" "$A10" "$RUNS"

echo "== same answers?"
node "$BENCH/analytics/compare.mjs" "$OUT" sqlite postgres duckdb

echo "== over HTTP: helsebro serve on the same database, the public dashboard's requests"
PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
taskset -c 0 "$HB" serve --db "sqlite:$DATA/national.db" --listen "127.0.0.1:$PORT" >"$OUT/serve.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT/api/public/indicators"
t0=$(date +%s)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE?period=$YEAR")" = 200 ]; do sleep 1; done
echo "http first_answer_after_start_s=$(( $(date +%s) - t0 ))"
NR=$(sqlite3 "$DATA/national.db" "SELECT kommunenummer FROM org WHERE type = 'municipality' ORDER BY kommunenummer LIMIT 1")
FS=$(sqlite3 "$DATA/national.db" "SELECT id FROM org WHERE type = 'helsefellesskap' ORDER BY id LIMIT 1")
# The high-users list of a KAD nurse in that municipality: a ranking the
# server computes in the background once the engine is loaded; the timings
# below start when it is there.
KAD=$(sqlite3 "$DATA/national.db" "SELECT u.id FROM org u JOIN org m ON m.id = u.parent_id
  WHERE u.unit_type = 'kad' AND m.kommunenummer = '$NR' LIMIT 1")
if ! sqlite3 "$DATA/national.db" "SELECT 1 FROM app_user WHERE username = 'bench.kad'" | grep -q 1; then
    echo "bench-password" | "$HB" user add --db "sqlite:$DATA/national.db" --username bench.kad \
        --name "Bench KAD" --role municipal-clinician --org "$KAD" >/dev/null
fi
JAR="$OUT/cookies"
until curl -s -c "$JAR" -o /dev/null -H 'content-type: application/json' \
    -d '{"username":"bench.kad","password":"bench-password"}' "http://127.0.0.1:$PORT/api/login" &&
    [ "$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/high-users")" = 200 ]; do sleep 1; done
http() { # name query: median of 11 over HTTP from core 1, and the size
    times=$(for _ in $(seq 1 11); do taskset -c 1 curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "$BASE?$2"; done)
    echo "http $1_ms=$(echo "$times" | sort -n | sed -n 6p | awk '{ printf "%.1f", $1 * 1000 }') bytes=$(echo "$times" | tail -1 | cut -d' ' -f2)"
}
http country_year "period=$YEAR"
http country_year_csv "period=$YEAR&format=csv"
http fellesskap_12_months "fellesskap=$FS&from=$YEAR-01&to=$YEAR-12"
http municipality_10_years "municipality=$NR&from=$(( YEAR - 9 ))&to=$YEAR"
echo "http high_users_ranking_ms=$(sed -n 's/.*risk ranking computed" ms=\([0-9]*\).*/\1/p' "$OUT/serve.log" | head -1)"
times=$(for _ in $(seq 1 11); do taskset -c 1 curl -s -b "$JAR" -o /dev/null -w '%{time_total}\n' \
    "http://127.0.0.1:$PORT/api/high-users?limit=50"; done)
echo "http high_users_50_ms=$(echo "$times" | sort -n | sed -n 6p | awk '{ printf "%.1f", $1 * 1000 }')"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
