#!/bin/bash
# Like the official image's entrypoint: as whatever UID runs it, copy WordPress into the
# docroot (leaving plugins and themes already in wp-content alone), write wp-config.php
# from the environment when WORDPRESS_* is set, then run the command (Apache by default).
set -Eeuo pipefail

if [[ "$1" == apache2* ]]; then
  cd /var/www/html
  if [ ! -e index.php ] && [ ! -e wp-includes/version.php ]; then
    echo >&2 "WordPress not found in $PWD - copying now..."
    # Everything but wp-content, then wp-content's children, leaving out plugins and themes
    # already on the volume. No mount point is ever in an archive, neither the docroot's
    # (an emptyDir under a read-only root) nor the volume's: tar tries to chmod an existing
    # directory even with --no-overwrite-dir, and only its owner (root, for most
    # provisioners) may.
    top=()
    for path in /usr/src/wordpress/* /usr/src/wordpress/.[!.]*; do
      [ -e "$path" ] && [ "${path##*/}" != wp-content ] && top+=("${path##*/}")
    done
    tar --create --file - --directory /usr/src/wordpress -- "${top[@]}" |
      tar --extract --file - --no-overwrite-dir
    mkdir -p wp-content
    excludes=()
    for path in /usr/src/wordpress/wp-content/*/*/; do
      rel=${path#/usr/src/wordpress/wp-content/}; rel=${rel%/}
      [ -e "wp-content/$rel" ] && excludes+=(--exclude "$rel")
    done
    (cd /usr/src/wordpress/wp-content && tar --create --file - "${excludes[@]}" -- *) |
      tar --extract --file - --no-overwrite-dir --directory wp-content
    echo >&2 "Complete! WordPress has been successfully copied to $PWD"
  fi

  wp_env=$(compgen -e | grep '^WORDPRESS_' || true)
  if [ -n "$wp_env" ] && [ ! -s wp-config.php ]; then
    # Random salts for any the environment does not give (the chart gives all eight).
    awk '
      /put your unique phrase here/ {
        cmd = "head -c 48 /dev/urandom | base64 | tr -d \"\\n/+=\""; cmd | getline salt; close(cmd)
        sub(/put your unique phrase here/, salt)
      }
      { print }
    ' /usr/src/wordpress/wp-config-docker.php > wp-config.php
    echo >&2 "wrote wp-config.php from the WORDPRESS_* environment"
  fi
fi

exec "$@"
