# shellcheck shell=bash
# Redis on 127.0.0.1:6379 with an append-only file under data/redis (fsynced every second), so sessions
# (user_token:*) and BullMQ's delayed jobs and job schedulers survive a restart; at most the last second
# of writes is lost when the machine itself dies. BullMQ needs maxmemory-policy noeviction: an evicted job
# key would silently lose a delayed order-close job.

REDIS_PORT=6379

redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

redis_ping() { [[ "$(redis_cli ping 2>/dev/null)" == PONG ]]; }

# redis_aof_on succeeds when the running Redis writes its append-only file.
redis_aof_on() { [[ "$(redis_cli config get appendonly 2>/dev/null | sed -n 2p)" == yes ]]; }

redis_up() {
  if running redis; then
    # A Redis started by an older ./looklook runs without persistence: switch it on in place (Redis writes
    # the whole dataset to a fresh AOF) instead of restarting it and losing what it holds.
    if redis_ping && ! redis_aof_on; then
      say "turning on Redis's append-only file"
      redis_cli config set appendfsync everysec >/dev/null
      redis_cli config set appendonly yes >/dev/null || warn "redis: CONFIG SET appendonly yes failed"
    fi
    return 0
  fi
  apt_install redis-server redis-tools
  claim_port redis "$REDIS_PORT"
  ensure_dirs
  mkdir -p "$DATA/redis"
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  spawn redis "$DATA/redis" "" redis-server --daemonize no --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$DATA/redis" --save '' --appendonly yes --appendfsync everysec --appenddirname appendonlydir \
    --maxmemory-policy noeviction --loglevel warning
  # Replaying a large AOF takes a moment; Redis answers LOADING (not PONG) until it is done.
  wait_until redis 60 redis_ping
}

# redis_down: SIGTERM makes Redis fsync the AOF before it exits, so a clean stop loses nothing.
redis_down() {
  running redis || return 0
  say "stopping Redis"
  stop_pid redis 20
}
