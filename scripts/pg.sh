#!/usr/bin/env bash
# pg_start / pg_stop: a throwaway PostgreSQL cluster on 127.0.0.1 in a temporary folder.
# Sets PG_URL (a SQLAlchemy URL using psycopg 3). initdb refuses to run as root, so as
# root the cluster runs as the 'postgres' user Debian's package creates.

pg_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  PG_DIR=$(mktemp -d /tmp/orderbridge-pg.XXXXXX)
  PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U orderbridge --auth=trust -E UTF8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c max_connections=200" start >/dev/null
  "${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U orderbridge orderbridge_test
  PG_BIN="$bin"
  PG_RUN=("${run[@]}")
  PG_URL="postgresql+psycopg://orderbridge@127.0.0.1:$PG_PORT/orderbridge_test"
  export PG_URL PG_DIR PG_PORT
  echo "PostgreSQL running on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
