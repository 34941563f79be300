#!/bin/sh
set -eu
test -r "$MARIADB_PASSWORD_FILE" && test -r "$MARIADB_ROOT_PASSWORD_FILE"
touch /var/lib/mysql/stand-in-was-here
echo "stand-in mariadb: database $MARIADB_DATABASE for $MARIADB_USER on :3306"
# As PID 1, httpd would ignore SIGTERM and every stop would wait out the 30 s grace period;
# the real images stop at once on SIGTERM, and so does this.
httpd -f -p 3306 -h /srv/mysql &
trap 'kill "$!"; exit 0' TERM INT
wait
