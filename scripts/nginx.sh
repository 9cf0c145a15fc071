# shellcheck shell=bash
# The nginx gateway on 127.0.0.1:8888: Debian's nginx (it has auth_request) run in the foreground with
# deploy/nginx/nginx.conf, its pid, logs and temp files under data/nginx.

NGINX_PORT=8888
NGINX_PREFIX="$DATA/nginx"
NGINX_CONF="$ROOT/deploy/nginx/nginx.conf"
# The web app the gateway serves at / is built before it starts (or reloads).
# shellcheck source=scripts/web.sh
source "$ROOT/scripts/web.sh"

nginx_cmd() { nginx -p "$NGINX_PREFIX/" -c "$NGINX_CONF" "$@"; }

nginx_healthy() {
  node -e "fetch('http://127.0.0.1:$NGINX_PORT/healthz').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"
}

nginx_up() {
  apt_install nginx
  web_build
  mkdir -p "$NGINX_PREFIX/logs" "$NGINX_PREFIX/tmp"
  ensure_dirs
  nginx_cmd -t -q >>"$LOG_DIR/nginx.log" 2>&1 || fail_with_log nginx "nginx -t rejected deploy/nginx (see the log)"
  if running nginx; then
    # Already running: pick up gateway config changes without dropping connections.
    nginx_cmd -s reload >>"$LOG_DIR/nginx.log" 2>&1 || true
  else
    claim_port nginx "$NGINX_PORT"
    say "starting the nginx gateway on 127.0.0.1:$NGINX_PORT"
    spawn nginx "$NGINX_PREFIX" "" nginx -p "$NGINX_PREFIX/" -c "$NGINX_CONF" -g 'daemon off;'
  fi
  wait_until nginx 20 nginx_healthy
}

nginx_down() {
  running nginx || return 0
  say "stopping the nginx gateway"
  stop_pid nginx 15
}
