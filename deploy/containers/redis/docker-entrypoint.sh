#!/bin/sh
# `redis-server --opt value …` starts from the container's config file, then the given options.
set -e
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server /etc/redis/container.conf "$@"
fi
exec "$@"
