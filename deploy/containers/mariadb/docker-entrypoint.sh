#!/bin/bash
# mysql:8.4's start-up contract on MariaDB: arguments that start with '-' go to the server; an empty data
# directory is initialised with MYSQL_ROOT_PASSWORD for root, then /docker-entrypoint-initdb.d/*.sh and
# *.sql run against a server reachable only on its socket; then the server starts on every interface.
set -euo pipefail
[[ ${1:-} == -* ]] && set -- mariadbd "$@"
if [[ $1 == mariadbd || $1 == mysqld ]]; then
  datadir=/var/lib/mysql socket=/run/mysqld/mysqld.sock
  chown mysql:mysql "$datadir" /run/mysqld
  if [[ ! -d $datadir/mysql ]]; then
    : "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD is needed to initialise an empty /var/lib/mysql}"
    echo "initialising $datadir"
    mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal \
      --skip-test-db >/dev/null
    "$@" --user=mysql --skip-networking --socket="$socket" &
    pid=$!
    for _ in $(seq 60); do
      mariadb-admin --socket="$socket" ping >/dev/null 2>&1 && break
      sleep 1
    done
    # mariadb-install-db also makes password-less root accounts for 127.0.0.1, ::1 and the host name,
    # which would win over root@'%' for those hosts: one root for the socket, one for the network.
    mariadb --socket="$socket" -uroot <<SQL
DELETE FROM mysql.global_priv WHERE Host NOT IN ('localhost');
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY '${MYSQL_ROOT_PASSWORD}';
CREATE USER 'root'@'%' IDENTIFIED BY '${MYSQL_ROOT_PASSWORD}';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
SQL
    for f in /docker-entrypoint-initdb.d/*; do
      case $f in
      *.sh) echo "running $f" && bash "$f" ;;
      *.sql) echo "applying $f" && mariadb --socket="$socket" -uroot -p"$MYSQL_ROOT_PASSWORD" <"$f" ;;
      esac
    done
    kill "$pid"
    wait "$pid" || true
    echo "initialised $datadir"
  fi
  set -- "$@" --user=mysql --bind-address=0.0.0.0 --skip-name-resolve
fi
exec "$@"
