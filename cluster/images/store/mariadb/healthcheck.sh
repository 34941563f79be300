#!/bin/bash
# The official image's healthcheck.sh, for the checks the chart uses, in order:
#   --connect              the server accepts TCP connections (the init server has none)
#   --innodb_initialized   InnoDB is up
#   --innodb_buffer_pool_loaded  the buffer pool dump, if any, is loaded
# It logs in as the healthcheck user from the datadir's .my-healthcheck.cnf.
set -eo pipefail
CNF=${HEALTHCHECK_CNF:-/var/lib/mysql/.my-healthcheck.cnf}
query() { mariadb --defaults-extra-file="$CNF" --protocol=tcp --host=127.0.0.1 --skip-column-names --batch -e "$1"; }

[ $# -gt 0 ] || set -- --connect
for check in "$@"; do
  case "$check" in
    --connect) query 'SELECT 1' >/dev/null ;;
    --innodb_initialized)
      [ "$(query "SELECT 1 FROM information_schema.ENGINES WHERE engine = 'InnoDB' AND support IN ('YES', 'DEFAULT', 'ENABLED')")" = 1 ] ;;
    --innodb_buffer_pool_loaded)
      query "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_LOAD_STATUS'" | grep -q '^Buffer pool(s) load completed' ;;
    --su-mysql|--no-defaults|--defaults-file=*|--defaults-extra-file=*) ;;  # accepted like upstream; the file above is used
    *) echo "healthcheck.sh: unknown check $check" >&2; exit 2 ;;
  esac
done
