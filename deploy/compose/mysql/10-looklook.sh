#!/bin/bash
# MySQL 8 in docker-compose-env.yml runs this once, on its first start with an empty data directory:
# every deploy/sql file in order (the same files `./looklook up` applies to MariaDB), then the looklook
# user the services log in as, with rights on the looklook_* databases only, and dtm's user on its own.
set -euo pipefail
mysql_root() { mysql --protocol=socket -uroot -p"${MYSQL_ROOT_PASSWORD}" "$@"; }
# deploy/dtm after deploy/sql: dtm's store and the barrier table of each business database.
for f in /looklook-sql/*.sql /looklook-dtm-sql/*.sql; do
  echo "looklook: applying ${f##*/}"
  mysql_root <"$f"
done
mysql_root <<SQL
CREATE USER IF NOT EXISTS 'looklook'@'%' IDENTIFIED BY '${LOOKLOOK_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`looklook\\_%\`.* TO 'looklook'@'%';
CREATE USER IF NOT EXISTS 'dtm'@'%' IDENTIFIED BY 'dtm';
GRANT ALL PRIVILEGES ON \`dtm\`.* TO 'dtm'@'%';
FLUSH PRIVILEGES;
SQL
