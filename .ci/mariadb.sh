#!/usr/bin/env bash
# Starts a private MariaDB for the tests (no systemd, no fixed port) and prints the connection
# string on stdout; `stop DIR` ends exactly the server this script started in DIR.
#   .ci/mariadb.sh start DIR      -> "Server=127.0.0.1;Port=N;User ID=og;Password=...;"
#   .ci/mariadb.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
case "$cmd" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  password="og-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
  mariadbd --no-defaults --user=root --datadir="$dir/data" --socket="$dir/sock" --pid-file="$dir/pid" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --log-error="$dir/err.log" \
    --max-connections=500 --innodb-flush-log-at-trx-commit=1 >/dev/null 2>&1 &
  echo $! >"$dir/server.pid"
  # Ready means a real query with the real credentials works (mysqladmin ping says alive even when denied).
  configured=
  for _ in $(seq 1 300); do
    if [ -z "$configured" ] && mariadb --no-defaults -uroot --socket="$dir/sock" -e \
        "CREATE OR REPLACE USER 'og'@'127.0.0.1' IDENTIFIED BY '$password'; GRANT ALL ON *.* TO 'og'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;" 2>"$dir/setup.err"; then
      configured=yes
    fi
    if [ -n "$configured" ] && mariadb --no-defaults -uog -p"$password" -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>>"$dir/setup.err"; then
      echo "Server=127.0.0.1;Port=$port;User ID=og;Password=$password;"
      exit 0
    fi
    sleep 0.1
  done
  echo "MariaDB did not become ready; see $dir/err.log" >&2
  tail -20 "$dir/err.log" >&2 || true
  exit 1 ;;
stop)
  if [ -f "$dir/server.pid" ]; then
    pid=$(cat "$dir/server.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/server.pid"
  fi ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
