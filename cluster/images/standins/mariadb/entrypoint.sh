#!/bin/sh
set -eu
test -r "$MARIADB_PASSWORD_FILE" && test -r "$MARIADB_ROOT_PASSWORD_FILE"
touch /var/lib/mysql/stand-in-was-here
echo "stand-in mariadb: database $MARIADB_DATABASE for $MARIADB_USER on :3306"
exec httpd -f -p 3306 -h /srv/mysql
