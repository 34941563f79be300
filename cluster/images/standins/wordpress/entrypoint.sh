#!/bin/sh
# Like the official image: copy WordPress into the docroot at start, then serve it.
set -eu
mkdir -p /tmp/html && cp -r /usr/src/wordpress/. /tmp/html/
echo "stand-in wordpress: serving on :8080"
# As PID 1, httpd would ignore SIGTERM and every stop would wait out the 30 s grace period;
# the real images stop at once on SIGTERM, and so does this.
httpd -f -v -p 8080 -h /tmp/html &
trap 'kill "$!"; exit 0' TERM INT
wait
