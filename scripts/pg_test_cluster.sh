#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the store tests (CI and developers use the same one).
#
#   scripts/pg_test_cluster.sh start DIR [PORT]   initdb DIR if new, start it on 127.0.0.1:PORT
#                                                 (default 55432), create the database
#                                                 `stockroute_test`, print its URL on stdout
#   scripts/pg_test_cluster.sh stop DIR           stop it (DIR stays; remove it yourself)
#
# Then: STOCKROUTE_TEST_POSTGRES_URL=$(scripts/pg_test_cluster.sh start "$dir") cargo test store
#
# The cluster listens on 127.0.0.1 only, with its socket in DIR, and trusts local connections
# (no password): it is for tests, never for data. PostgreSQL refuses to run as root, so as
# root the server runs as the `postgres` user (Debian's package creates it), which gets DIR.
# PG_BIN names the server's bin folder when it is not Debian's PostgreSQL 15.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR [PORT] | stop DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$(realpath -m "$2")
port=${3:-55432}
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$bin/pg_ctl" ] || { echo "$0: no PostgreSQL server in $bin (set PG_BIN)" >&2; exit 1; }

# Runs a server command as a user PostgreSQL accepts.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case $cmd in
start)
    if [ ! -s "$dir/PG_VERSION" ]; then
        mkdir -p "$dir"
        [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
        chmod 700 "$dir"
        as_owner "$bin/initdb" -D "$dir" --username=postgres --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qtAc \
        "SELECT 1 FROM pg_database WHERE datname = 'stockroute_test'" | grep -q 1 \
        || as_owner "$bin/createdb" -h "$dir" -p "$port" -U postgres stockroute_test
    echo "postgres://postgres@127.0.0.1:$port/stockroute_test"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    ;;
*)
    usage
    ;;
esac
