#!/usr/bin/env bash
# mmdebstrap customize hook for the WordPress image: turns Debian's wordpress + apache2 +
# mod_php into the layout of the official wordpress:*-apache image that the chart relies on
# (OFFICIAL-IMAGES.md). Runs on the build host with the rootfs as $1 and this folder as $2.
set -euo pipefail
root=$1 recipe=$2
in_root() { chroot "$root" "$@"; }
# shellcheck disable=SC2016  # dpkg-query's format, not the shell's
installed() { in_root dpkg-query -W -f='${db:Status-Abbrev}\n' "$1" 2>/dev/null | grep -q '^ii'; }
# Perl's package names carry its version (Debian 13: perl-modules-5.40, libperl5.40).
# shellcheck disable=SC2016
perl_packages() { in_root dpkg-query -W -f='${Package}\n' 'perl-modules-*' 'libperl5*' 2>/dev/null || true; }
# The one PHP in the image (Debian 13: 8.4); its Apache and CLI ini dirs are under it.
php_version=$(ls "$root/etc/php")
[ "$(wc -w <<<"$php_version")" = 1 ] || { echo "expected one PHP in the image, found: $php_version" >&2; exit 1; }

# WordPress as one self-contained tree: Debian links some files to shared libraries
# (getID3, underscore, cropper, CA bundle) that the copy into /var/www/html must carry along.
in_root cp -aL /usr/share/wordpress /usr/src/wordpress
# Debian's wp-config.php reads /etc/wordpress; ours comes from the environment instead.
rm -f "$root/usr/src/wordpress/wp-config.php" "$root/usr/src/wordpress/.htaccess"
install -m 0644 "$recipe/wp-config-docker.php" "$root/usr/src/wordpress/wp-config-docker.php"
install -m 0644 "$recipe/htaccess" "$root/usr/src/wordpress/.htaccess"
rm -rf "$root/usr/share/wordpress" "$root/var/lib/wordpress" "$root/etc/wordpress" \
  "$root/usr/src/wordpress/readme.html" "$root/usr/src/wordpress/wp-config-sample.php"
# The entrypoint copies as whatever UID runs it: the tree must be readable by all.
chmod -R a+rX "$root/usr/src/wordpress"

install -m 0755 "$recipe/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
install -m 0755 "$recipe/apache2-foreground" "$root/usr/local/bin/apache2-foreground"

# Apache as any non-root UID: its runtime dirs are world-writable (sticky), logs go to
# the container's stdout/stderr, and the docroot is writable by the pod's UID 33.
# (/run, not /var/run: that is an absolute link, which would point at the build host.)
for dir in /run/apache2 /run/lock/apache2 /var/log/apache2 /var/www/html; do
  rm -rf "${root:?}$dir"; mkdir -p "$root$dir"; chmod 1777 "$root$dir"
done
chown 33:33 "$root/var/www/html"
ln -sfT /dev/stderr "$root/var/log/apache2/error.log"
ln -sfT /dev/stdout "$root/var/log/apache2/access.log"
ln -sfT /dev/stdout "$root/var/log/apache2/other_vhosts_access.log"
install -m 0644 "$recipe/docker-php.conf" "$root/etc/apache2/conf-available/docker-php.conf"
in_root a2enconf -q docker-php
in_root a2enmod -q rewrite remoteip
# The chart mounts its own ports.conf (8080) and site over these; they must be plain files.
rm -f "$root/etc/apache2/sites-enabled/000-default.conf"
cp "$root/etc/apache2/sites-available/000-default.conf" "$root/etc/apache2/sites-enabled/000-default.conf"
# The image's own default (no chart) listens on 80 like the official one.
install -m 0644 "$recipe/php.ini" "$root/etc/php/$php_version/apache2/conf.d/90-storefleet.ini"
install -m 0644 "$recipe/php.ini" "$root/etc/php/$php_version/cli/conf.d/90-storefleet.ini"
# OPcache for Apache's PHP: Debian enables the module for every SAPI that is installed.
in_root test -e "/etc/php/$php_version/apache2/conf.d/10-opcache.ini" || { echo "OPcache is not enabled for Apache's PHP" >&2; exit 1; }
rm -f "$root/var/www/html/index.html"

# Debian's wordpress package wants a MySQL client (and with it Perl, 120 MB); WordPress
# itself talks to MariaDB through PHP's mysqlnd and the image never runs the client.
# shellcheck disable=SC2046  # one word per package
in_root dpkg --purge --force-depends default-mysql-client mariadb-client mariadb-client-compat mariadb-client-core \
  mariadb-common mysql-common libmariadb3 libconfig-inifiles-perl libfile-find-rule-perl \
  libnumber-compare-perl libtext-glob-perl perl $(perl_packages) libgdbm-compat4 >/dev/null 2>&1
for pkg in perl mariadb-client-core; do
  ! installed "$pkg" || { echo "$pkg is still in the image" >&2; exit 1; }
done

# The Debian versions in this image, for its label and the build log.
# shellcheck disable=SC2016  # dpkg-query's format, not the shell's
chroot "$root" dpkg-query -W -f='${Package}=${Version}\n' wordpress apache2 "libapache2-mod-php$php_version" "php$php_version-common" >"$root/etc/storefleet-versions"

# Nothing else in a container needs package manager state or caches.
# /run holds only what the image needs at start (mmdebstrap's own cleanup is skipped).
find "$root/run" -mindepth 1 -maxdepth 1 ! -name lock ! -name apache2 ! -name mysqld -exec rm -rf {} +
rm -rf "$root"/var/cache/* "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/tmp/*
