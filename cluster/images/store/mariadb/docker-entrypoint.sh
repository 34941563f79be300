#!/bin/bash
# Like the official mariadb entrypoint, as whatever UID runs it (no chown, no gosu): on an
# empty datadir it initialises the database from MARIADB_* (or their *_FILE forms) on a
# server without networking, so healthcheck.sh --connect fails until the real server is up;
# with MARIADB_AUTO_UPGRADE it runs mariadb-upgrade when the data comes from an older server.
set -Eeuo pipefail
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

note() { printf '%s [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2; }
die() { note "ERROR: $*"; exit 1; }

# file_env VAR: VAR from VAR_FILE when that is set (both set is an error, as upstream).
file_env() {
  local var=$1 file_var="${1}_FILE" default=${2:-}
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then die "both $var and $file_var are set"; fi
  local value=$default
  if [ -n "${!var:-}" ]; then value=${!var}
  elif [ -n "${!file_var:-}" ]; then value=$(<"${!file_var}"); fi
  export "$var"="$value"
  unset "$file_var"
}

sql_escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }

temp_server_start() {
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --loose-wsrep_on=OFF \
    --loose-innodb_buffer_pool_load_at_startup=0 &
  TEMP_PID=$!
  for _ in $(seq 60); do
    mariadb --protocol=socket --socket="$SOCKET" -uroot ${ROOT_AUTH:+-p"$ROOT_AUTH"} -e 'SELECT 1' >/dev/null 2>&1 && return 0
    kill -0 "$TEMP_PID" 2>/dev/null || die "the temporary server failed to start"
    sleep 1
  done
  die "the temporary server did not answer in 60 s"
}

temp_server_stop() {
  kill "$TEMP_PID"
  wait "$TEMP_PID" || true
}

init_database() {
  file_env MARIADB_ROOT_PASSWORD
  file_env MARIADB_DATABASE
  file_env MARIADB_USER
  file_env MARIADB_PASSWORD
  file_env MARIADB_ROOT_HOST %
  if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}" ] && [ -z "${MARIADB_RANDOM_ROOT_PASSWORD:-}" ]; then
    die "database is uninitialized and MARIADB_ROOT_PASSWORD (or _FILE) is not set"
  fi
  if [ -n "${MARIADB_RANDOM_ROOT_PASSWORD:-}" ]; then
    MARIADB_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
    note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  note "initializing the database in $DATADIR"
  mariadb-install-db --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=normal \
    --skip-log-bin --loose-innodb_buffer_pool_load_at_startup=0 >/dev/null
  temp_server_start "$@"

  local healthcheck_pw
  healthcheck_pw=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
  local root_pw root_host
  root_pw=$(sql_escape "$MARIADB_ROOT_PASSWORD") root_host=$(sql_escape "$MARIADB_ROOT_HOST")
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DELETE FROM mysql.user WHERE user NOT IN ('mysql.sys', 'mariadb.sys', 'root') OR host NOT IN ('localhost');"
    echo "DELETE FROM mysql.proxies_priv WHERE host NOT IN ('localhost');"
    echo "SET PASSWORD FOR 'root'@'localhost'=PASSWORD('$root_pw');"
    if [ "$MARIADB_ROOT_HOST" != localhost ]; then
      echo "CREATE USER 'root'@'$root_host' IDENTIFIED BY '$root_pw';"
      echo "GRANT ALL ON *.* TO 'root'@'$root_host' WITH GRANT OPTION;"
      echo "GRANT PROXY ON ''@'%' TO 'root'@'$root_host' WITH GRANT OPTION;"
    fi
    # What healthcheck.sh logs in as; it can see that InnoDB is up and nothing else.
    echo "CREATE USER 'healthcheck'@'127.0.0.1' IDENTIFIED BY '$healthcheck_pw';"
    echo "CREATE USER 'healthcheck'@'::1' IDENTIFIED BY '$healthcheck_pw';"
    echo "CREATE USER 'healthcheck'@'localhost' IDENTIFIED BY '$healthcheck_pw';"
    echo "GRANT USAGE ON *.* TO 'healthcheck'@'127.0.0.1', 'healthcheck'@'::1', 'healthcheck'@'localhost';"
    if [ -n "$MARIADB_DATABASE" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE//\`/\`\`}\`;"
    fi
    if [ -n "$MARIADB_USER" ] && [ -n "$MARIADB_PASSWORD" ]; then
      local user pw
      user=$(sql_escape "$MARIADB_USER") pw=$(sql_escape "$MARIADB_PASSWORD")
      echo "CREATE USER '$user'@'%' IDENTIFIED BY '$pw';"
      [ -n "$MARIADB_DATABASE" ] && echo "GRANT ALL ON \`${MARIADB_DATABASE//\`/\`\`}\`.* TO '$user'@'%';"
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --protocol=socket --socket="$SOCKET" -uroot --binary-mode
  (umask 077; printf '[mariadb-client]\nport=3306\nuser=healthcheck\npassword=%s\n' "$healthcheck_pw" >"$DATADIR/.my-healthcheck.cnf")

  ROOT_AUTH=$MARIADB_ROOT_PASSWORD
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    # shellcheck source=/dev/null
    case "$f" in
      *.sh) note "running $f"; . "$f" ;;
      *.sql) note "running $f"; mariadb --socket="$SOCKET" -uroot -p"$ROOT_AUTH" "${MARIADB_DATABASE:-}" <"$f" ;;
      *.sql.gz) note "running $f"; gzip -dc "$f" | mariadb --socket="$SOCKET" -uroot -p"$ROOT_AUTH" "${MARIADB_DATABASE:-}" ;;
      *) ;;
    esac
  done
  temp_server_stop
  unset ROOT_AUTH
  # Marks the data as current, so MARIADB_AUTO_UPGRADE leaves a fresh datadir alone (MariaDB
  # 11 names the file mariadb_upgrade_info; 10.x data carries mysql_upgrade_info).
  server_version >"$DATADIR/mariadb_upgrade_info"
  note "MariaDB init process done. Ready for start up."
}

server_version() { mariadbd --version | sed -E 's/.*Ver ([0-9]+\.[0-9]+\.[0-9]+).*/\1/'; }

# The version the data files were last upgraded to, against this server's.
maybe_upgrade() {
  [ -n "${MARIADB_AUTO_UPGRADE:-}" ] || return 0
  local have want
  have=$(sed -E 's/^([0-9]+\.[0-9]+\.[0-9]+).*/\1/' "$DATADIR/mariadb_upgrade_info" "$DATADIR/mysql_upgrade_info" 2>/dev/null | head -1 || true)
  want=$(server_version)
  [ "$have" = "$want" ] && return 0
  note "data files are from ${have:-an unknown version}, server is $want: running mariadb-upgrade"
  temp_server_start "$@" --skip-grant-tables
  mariadb-upgrade --upgrade-system-tables --socket="$SOCKET" -uroot
  temp_server_stop
}

if [ "${1:0:1}" = - ]; then set -- mariadbd "$@"; fi
if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
  if [ ! -d "$DATADIR/mysql" ]; then
    init_database "$@"
  else
    maybe_upgrade "$@"
  fi
fi
exec "$@"
