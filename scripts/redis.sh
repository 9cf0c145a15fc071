# shellcheck shell=bash
# Redis on 127.0.0.1:6379 without persistence. BullMQ needs maxmemory-policy noeviction: an evicted job
# key would silently lose a delayed order-close job.

REDIS_PORT=6379

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

redis_up() {
  if running redis; then
    return 0
  fi
  apt_install redis-server redis-tools
  claim_port redis "$REDIS_PORT"
  ensure_dirs
  mkdir -p "$DATA/redis"
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  spawn redis "$DATA/redis" "" redis-server --daemonize no --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$DATA/redis" --save '' --appendonly no --maxmemory-policy noeviction --loglevel warning
  wait_until redis 20 redis_ping
}

redis_down() {
  running redis || return 0
  say "stopping Redis"
  stop_pid redis 20
}
