# shellcheck shell=bash
# MariaDB with its own datadir under data/mysql, socket under data/run, TCP 127.0.0.1:3306.

MYSQL_PORT=3306
MYSQL_DATADIR="$DATA/mysql"
MYSQL_SOCKET="$RUN_DIR/mysqld.sock"

# Debian's root@localhost authenticates through the unix socket, so administration goes over our socket
# and the services use the `looklook` user over TCP. --no-defaults keeps /etc/mysql out of the picture.
mysql_root() { mariadb --no-defaults --protocol=socket --socket="$MYSQL_SOCKET" -uroot --default-character-set=utf8mb4; }

mysql_ping() { mariadb-admin --no-defaults --protocol=socket --socket="$MYSQL_SOCKET" -uroot ping >/dev/null 2>&1; }

# mariadbd refuses to run as root unless told so; as root it runs as root, so data/ stays owned by one user.
MYSQL_USER_ARGS=()
[[ $(id -u) -eq 0 ]] && MYSQL_USER_ARGS=(--user=root)

mysql_up() {
  if running mysql; then
    mysql_provision
    return 0
  fi
  apt_install mariadb-server mariadb-client
  claim_port mysql "$MYSQL_PORT"
  ensure_dirs
  if [[ ! -d $MYSQL_DATADIR/mysql ]]; then
    say "initialising MariaDB datadir data/mysql"
    mkdir -p "$MYSQL_DATADIR"
    mariadb-install-db --no-defaults --datadir="$MYSQL_DATADIR" "${MYSQL_USER_ARGS[@]}" \
      --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" --skip-test-db \
      >>"$LOG_DIR/mysql.log" 2>&1 || fail_with_log mysql "mariadb-install-db failed"
  fi
  say "starting MariaDB on 127.0.0.1:$MYSQL_PORT"
  # utf8mb4 server-wide: MariaDB 10.11 still defaults to latin1, which would mangle nicknames and titles.
  spawn mysql "$ROOT" "" mariadbd --no-defaults --datadir="$MYSQL_DATADIR" "${MYSQL_USER_ARGS[@]}" \
    --socket="$MYSQL_SOCKET" --port="$MYSQL_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
    --pid-file="$RUN_DIR/mariadbd.pid" --log-error="$LOG_DIR/mysql.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-connections=1000 --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2
  wait_until mysql 60 mysql_ping
  wait_until mysql 30 port_open "$MYSQL_PORT"
  mysql_provision
}

# mysql_provision creates the project user and applies every deploy/sql/*.sql in name order; both are
# idempotent, so it runs on every `up` and picks up SQL files added since the last one.
mysql_provision() {
  mysql_root <<'SQL' || fail_with_log mysql "creating the looklook user failed"
DROP USER IF EXISTS ''@'localhost';
CREATE USER IF NOT EXISTS 'looklook'@'127.0.0.1' IDENTIFIED BY 'looklook';
CREATE USER IF NOT EXISTS 'looklook'@'localhost' IDENTIFIED BY 'looklook';
GRANT ALL PRIVILEGES ON `looklook\_%`.* TO 'looklook'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `looklook\_%`.* TO 'looklook'@'localhost';
SQL
  local f
  shopt -s nullglob
  for f in "$ROOT"/deploy/sql/*.sql; do
    mysql_root <"$f" || die "applying ${f#"$ROOT"/} failed (deploy/sql files must be idempotent)"
  done
  shopt -u nullglob
}

mysql_down() {
  running mysql || return 0
  say "stopping MariaDB"
  stop_pid mysql 60
}
