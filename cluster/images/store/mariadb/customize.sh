#!/usr/bin/env bash
# mmdebstrap customize hook for the MariaDB image: the layout of the official mariadb image
# that the chart relies on (OFFICIAL-IMAGES.md). Runs on the build host with the rootfs as
# $1 and this folder as $2.
set -euo pipefail
root=$1 recipe=$2
# shellcheck disable=SC2016  # dpkg-query's format, not the shell's
installed() { chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}\n' "$1" 2>/dev/null | grep -q '^ii'; }
# Perl's package names carry its version (Debian 13: perl-modules-5.40, libperl5.40).
# shellcheck disable=SC2016
perl_packages() { chroot "$root" dpkg-query -W -f='${Package}\n' 'perl-modules-*' 'libperl5*' 2>/dev/null || true; }

# The chart runs MariaDB as UID 999, the official image's mysql user; Debian picked a
# dynamic system UID when the package was installed.
old_uid=$(chroot "$root" id -u mysql) old_gid=$(chroot "$root" id -g mysql)
sed -i "s/^mysql:x:$old_uid:$old_gid:/mysql:x:999:999:/" "$root/etc/passwd"
sed -i "s/^mysql:x:$old_gid:/mysql:x:999:/" "$root/etc/group"
find "$root" -xdev \( -uid "$old_uid" -o -gid "$old_gid" \) -exec chown -h 999:999 {} +

# Debian's postinst initialised a database; a store's datadir is its own volume.
rm -rf "${root:?}/var/lib/mysql" && mkdir -m 0755 "$root/var/lib/mysql" && chown 999:999 "$root/var/lib/mysql"
# The socket and pid live here; any UID may run the server (the official image does the same).
rm -rf "$root/run/mysqld" && mkdir -m 1777 "$root/run/mysqld"
install -m 0644 "$recipe/90-container.cnf" "$root/etc/mysql/mariadb.conf.d/90-container.cnf"
install -m 0755 "$recipe/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
install -m 0755 "$recipe/healthcheck.sh" "$root/usr/local/bin/healthcheck.sh"
mkdir -p "$root/docker-entrypoint-initdb.d"

# Galera's state-transfer tools and the Perl admin scripts: a single server needs neither.
# shellcheck disable=SC2046  # one word per package
chroot "$root" dpkg --purge --force-depends galera-4 rsync socat lsof iproute2 libdbi-perl \
  libconfig-inifiles-perl libfile-find-rule-perl libnumber-compare-perl libtext-glob-perl \
  perl $(perl_packages) libgdbm-compat4 >/dev/null 2>&1
! installed perl || { echo "perl is still in the image" >&2; exit 1; }
# What the entrypoint, healthcheck.sh and the chart's backup and setup jobs run.
for tool in mariadbd mariadb mariadb-install-db mariadb-upgrade mariadb-admin mariadb-dump; do
  chroot "$root" sh -c "command -v $tool" >/dev/null || { echo "$tool is missing from the image" >&2; exit 1; }
done

# The Debian versions in this image, for its label and the build log.
# shellcheck disable=SC2016  # dpkg-query's format, not the shell's
chroot "$root" dpkg-query -W -f='${Package}=${Version}\n' mariadb-server-core mariadb-client >"$root/etc/storefleet-versions"

# /run holds only what the image needs at start (mmdebstrap's own cleanup is skipped).
find "$root/run" -mindepth 1 -maxdepth 1 ! -name lock ! -name apache2 ! -name mysqld -exec rm -rf {} +
rm -rf "$root"/var/cache/* "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/var/log/mysql "$root"/tmp/*
