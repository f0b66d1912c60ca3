# Starts a throw-away PostgreSQL cluster for the tests (sourced by tests/run.sh).
# Sets PG_ADMIN_URL (superuser, for creating databases) and PG_APP_URL_BASE
# (the non-superuser application role, append a database name). pg_stop stops it.

pg_start() {
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$PGBIN" ]; then
        echo "PostgreSQL is not installed (make deps installs it)" >&2
        return 1
    fi
    PG_DIR=$(mktemp -d /tmp/hb-pg.XXXXXX)
    PG_AS=""
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$PG_DIR"
        PG_AS="runuser -u postgres --"
    fi
    PG_PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    $PG_AS "$PGBIN/initdb" -D "$PG_DIR/data" -U hbadmin -A trust --no-sync -E UTF8 \
        --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    $PG_AS "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
        start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
    PG_ADMIN_URL="postgresql://hbadmin@127.0.0.1:$PG_PORT/postgres"
    psql -q "$PG_ADMIN_URL" -c "CREATE ROLE helsebro LOGIN PASSWORD 'helsebro'" >/dev/null
    PG_APP_URL_BASE="postgresql://helsebro:helsebro@127.0.0.1:$PG_PORT"
    export PG_ADMIN_URL PG_APP_URL_BASE
}

# Prints the URL of a new empty database owned by the application role.
pg_newdb() {
    name="hb_$1_$$"
    psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $name OWNER helsebro" >/dev/null
    echo "$PG_APP_URL_BASE/$name"
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    $PG_AS "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$PG_DIR"
}
