#!/bin/sh
# Stand-in for the official healthcheck.sh: healthy once the server listens.
timeout 2 wget -q -O /dev/null http://127.0.0.1:3306/
