#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite and benchmarks: `start` prints the URL to
# export as TEST_DATABASE_URL, `stop` removes the cluster. Loopback only, trust auth only on
# 127.0.0.1, data in a temporary directory: nothing here is fit for production.
#
#   eval "$(.ci/postgres.sh start)"   # exports TEST_DATABASE_URL
#   .ci/postgres.sh stop
set -euo pipefail

PGPORT="${PGPORT:-54329}"
PGDIR="${PGDIR:-/tmp/sip-postgres-$PGPORT}"
PGUSER_NAME="${PGUSER_NAME:-sip}"
DATABASE="${PGDATABASE_NAME:-sip_test}"

find_bin() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$found" ] && [ -x "$found/pg_ctl" ] || return 1
    echo "$found"
}

# PostgreSQL refuses to run as root: run its tools as the unprivileged `postgres` user.
as_owner() {
    if [ "$(id -u)" = "0" ]; then
        # From /: the checkout may be in a directory the postgres user cannot enter.
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

install_postgres() {
    if ! find_bin >/dev/null; then
        echo "installing PostgreSQL from Debian" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >/dev/null
    fi
}

start() {
    install_postgres
    local bin
    bin="$(find_bin)"
    if [ -f "$PGDIR/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
        echo "PostgreSQL already running in $PGDIR" >&2
    else
        rm -rf "$PGDIR"
        mkdir -p "$PGDIR"
        [ "$(id -u)" = "0" ] && chown postgres: "$PGDIR"
        as_owner "$bin/initdb" -D "$PGDIR/data" -U postgres --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 >/dev/null
        # Only the loopback interface, and trust only there; the socket stays in our directory.
        cat >"$PGDIR/data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
        # A test cluster may trade crash safety for speed (fsync off); the benchmarks set
        # SIP_PG_DURABLE=1 to measure the production setting.
        local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        [ "${SIP_PG_DURABLE:-0}" = "1" ] && durability=""
        # shellcheck disable=SC2086
        as_owner "$bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c max_connections=200 $durability" \
            >/dev/null
        as_owner "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qAt \
            -c "CREATE ROLE $PGUSER_NAME LOGIN CREATEDB" \
            -c "CREATE DATABASE $DATABASE OWNER $PGUSER_NAME" >/dev/null
    fi
    echo "export TEST_DATABASE_URL=postgresql+psycopg://$PGUSER_NAME@127.0.0.1:$PGPORT/$DATABASE"
}

stop() {
    local bin
    if bin="$(find_bin)" && [ -d "$PGDIR/data" ]; then
        as_owner "$bin/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGDIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
