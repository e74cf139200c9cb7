#!/usr/bin/env bash
# Starts a private MariaDB for the tests (no systemd, no fixed port) and prints the connection
# string on stdout; `stop DIR` ends exactly the server this script started in DIR; `resume DIR` starts
# it again on the same port, data and options (a test that stops its database and brings it back).
#   .ci/mariadb.sh start DIR [MARIADBD-OPTION...]   -> "Server=127.0.0.1;Port=N;User ID=og;Password=...;"
#                                                      (e.g. --max-connections=20; the default is 500)
#   .ci/mariadb.sh stop DIR
#   .ci/mariadb.sh resume DIR                       -> the same connection string
set -euo pipefail
cmd=${1:?start|stop|resume}; dir=${2:?directory}
shift 2

# Runs mariadbd in DIR with the saved port and options, and waits until the og user can query.
serve() {
  local port password
  port=$(cat "$dir/port"); password=$(cat "$dir/password")
  mapfile -t extra <"$dir/options"
  mariadbd --no-defaults --user=root --datadir="$dir/data" --tmpdir="$dir/tmp" --socket="$dir/sock" --pid-file="$dir/pid" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --log-error="$dir/err.log" \
    --max-connections=500 --innodb-flush-log-at-trx-commit=1 "${extra[@]}" >/dev/null 2>&1 &
  echo $! >"$dir/server.pid"
  # Ready means a real query with the real credentials works (mysqladmin ping says alive even when denied).
  local configured=
  [ -f "$dir/configured" ] && configured=yes
  for _ in $(seq 1 300); do
    if [ -z "$configured" ] && mariadb --no-defaults -uroot --socket="$dir/sock" -e \
        "CREATE OR REPLACE USER 'og'@'127.0.0.1' IDENTIFIED BY '$password'; GRANT ALL ON *.* TO 'og'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;" 2>"$dir/setup.err"; then
      configured=yes
      touch "$dir/configured"
    fi
    if [ -n "$configured" ] && mariadb --no-defaults -uog -p"$password" -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>>"$dir/setup.err"; then
      echo "Server=127.0.0.1;Port=$port;User ID=og;Password=$password;"
      exit 0
    fi
    sleep 0.1
  done
  echo "MariaDB did not become ready; see $dir/err.log" >&2
  tail -20 "$dir/err.log" >&2 || true
  exit 1
}

case "$cmd" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$dir/port"
  echo "og-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$dir/password"
  printf '%s\n' "$@" | grep -v '^$' >"$dir/options" || true
  # A temp directory of its own: servers installed at the same time in a shared /tmp trip over each other's
  # temporary tables ("Unknown table 'mysql.tmp_user_sys'").
  mkdir -p "$dir/tmp"
  mariadb-install-db --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" --user=root \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
    || { echo "mariadb-install-db failed:" >&2; grep -E 'ERROR|error' "$dir/install.log" | head -5 >&2; exit 1; }
  serve ;;
resume)
  dir=$(cd "$dir" && pwd)
  [ -f "$dir/port" ] || { echo "$dir holds no server started by $0" >&2; exit 2; }
  serve ;;
stop)
  if [ -f "$dir/server.pid" ]; then
    pid=$(cat "$dir/server.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/server.pid"
  fi ;;
*) echo "usage: $0 start DIR [MARIADBD-OPTION...] | stop DIR | resume DIR" >&2; exit 2 ;;
esac
