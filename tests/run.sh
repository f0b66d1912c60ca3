#!/bin/sh
# Runs every suite (unit, end-to-end, FHIR, browser) on SQLite and PostgreSQL
# and ends with one line: "N passed, N failed". Exit status 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
. tests/lib/pg.sh

PASS=0
FAIL=0
OUT=$(mktemp -d /tmp/hb-test.XXXXXX)
export HB_TEST_OUT="$OUT"

# Adds the counts of one suite's output: our "N passed, N failed" line, or the
# node test runner's TAP "# pass N" / "# fail N".
tally() { # name file exit-status
    p=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$2" | tail -n 1 | cut -d' ' -f1)
    f=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$2" | tail -n 1 | cut -d' ' -f3)
    if [ -z "$p" ]; then
        p=$(grep -E '^# pass [0-9]+' "$2" | tail -n 1 | cut -d' ' -f3)
        f=$(grep -E '^# fail [0-9]+' "$2" | tail -n 1 | cut -d' ' -f3)
    fi
    p=${p:-0}
    f=${f:-0}
    if [ "$3" != 0 ] && [ "$f" = 0 ]; then
        f=1 # crashed or exited non-zero without saying which test failed
    fi
    PASS=$((PASS + p))
    FAIL=$((FAIL + f))
    if [ "$f" != 0 ]; then
        echo "FAIL $1 ($p passed, $f failed): output follows"
        grep -v '^ok ' "$2" | tail -n 80
    else
        echo "ok   $1 ($p passed)"
    fi
}

suite() { # name command...
    name=$1
    shift
    log="$OUT/$(echo "$name" | tr ' /' '__').log"
    "$@" >"$log" 2>&1
    tally "$name" "$log" $?
}

cleanup() { pg_stop; }
trap cleanup EXIT INT TERM

if ! pg_start; then
    echo "0 passed, 1 failed"
    exit 1
fi

for t in build/san/test_*; do
    n=$(basename "$t")
    case "$n" in
    test_store | test_policy)
        suite "unit $n sqlite" "$t" "sqlite:$OUT/$n.db"
        suite "unit $n postgresql" "$t" "$(pg_newdb "$n")"
        ;;
    *) suite "unit $n" "$t" ;;
    esac
done

NODE_TEST="node --test --test-reporter=tap --test-concurrency=1"
for backend in sqlite postgresql; do
    suite "e2e $backend" env HB_BACKEND=$backend $NODE_TEST tests/e2e/
    suite "fhir $backend" env HB_BACKEND=$backend $NODE_TEST tests/fhir/
done
suite "browser sqlite" env HB_BACKEND=sqlite $NODE_TEST tests/browser/

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
