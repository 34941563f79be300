#!/bin/sh
# Like the official image: copy WordPress into the docroot at start, then serve it.
set -eu
mkdir -p /tmp/html && cp -r /usr/src/wordpress/. /tmp/html/
echo "stand-in wordpress: serving on :8080"
exec httpd -f -v -p 8080 -h /tmp/html
