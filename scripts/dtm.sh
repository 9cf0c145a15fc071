# shellcheck shell=bash
# dtm v1.19.0, the distributed transaction manager the booking saga runs on (doc/transactions.md): HTTP on
# 36789 (query API, /api/metrics), gRPC on 36790, its transactions in the stack's Redis (tools/dtm/conf.yml).
# Built from the Go module proxy through the tool module tools/dtm (`go install …@v1.19.0` fails: the proxy refuses the
# module's version list, which go install reads for deprecation notices), cached outside the checkout like
# Jaeger (scripts/jaeger.sh), and built in the background on a new machine: the apps start meanwhile and
# only a booking waits for dtm (it answers 503 until dtm is up).
# dtm 1.19 has no listen-address setting: it binds its ports on every interface.

DTM_MODULE="$ROOT/tools/dtm"
DTM_HTTP_PORT=36789
DTM_GRPC_PORT=36790
DTM_JSONRPC_PORT=36791
DTM_CONF="$DTM_MODULE/conf.yml"

dtm_version() { go_tool_version "$DTM_MODULE" github.com/dtm-labs/dtm; }
dtm_binary() { go_tool_binary dtm "$DTM_MODULE" github.com/dtm-labs/dtm; }

DTM_BUILD_MARK="$RUN_DIR/dtm-build"
DTM_BUILD_FAILED="$RUN_DIR/dtm-build.failed"
DTM_BUILD_LOG="$LOG_DIR/dtm-build.log"

dtm_building() { go_tool_building "$DTM_BUILD_MARK"; }
dtm_build() { go_tool_build dtm "$(dtm_version)" "$(dtm_binary)" "$DTM_MODULE" github.com/dtm-labs/dtm; }

# cmd_dtm_build is the background build `up` starts (./looklook dtm-build, output in data/logs/dtm-build.log).
cmd_dtm_build() {
  ensure_dirs
  local t0
  t0=$(date +%s)
  trap 'rm -f "$DTM_BUILD_MARK"' EXIT
  printf '\n==== %s\n' "$(date -u +%FT%TZ)"
  go_toolchain
  if ! dtm_build; then
    touch "$DTM_BUILD_FAILED"
    die "go build failed in tools/dtm after $(elapsed "$t0")"
  fi
  say "built dtm ($(elapsed "$t0"))"
  take_lock
  dtm_up
}

# dtm_provision applies deploy/dtm/*.sql (dtm's MySQL store, kept ready for Driver: mysql, and the barrier
# table of each business database) and creates the dtm user; idempotent, run on every `up` after
# deploy/sql/*.sql.
dtm_provision() {
  local f
  for f in "$ROOT"/deploy/dtm/*.sql; do
    mysql_root <"$f" || die "applying ${f#"$ROOT"/} failed"
  done
  mysql_root <<'SQL' || fail_with_log mysql "creating the dtm user failed"
CREATE USER IF NOT EXISTS 'dtm'@'127.0.0.1' IDENTIFIED BY 'dtm';
CREATE USER IF NOT EXISTS 'dtm'@'localhost' IDENTIFIED BY 'dtm';
GRANT ALL PRIVILEGES ON `dtm`.* TO 'dtm'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `dtm`.* TO 'dtm'@'localhost';
SQL
}

dtm_ready() { http_ok "http://127.0.0.1:$DTM_HTTP_PORT/api/dtmsvr/newGid"; }

dtm_up() {
  dtm_provision
  running dtm && return 0
  ensure_dirs
  local build
  if [[ ! -x $(dtm_binary) ]]; then
    if build=$(dtm_building); then
      say "dtm is still building ($(elapsed "${build#* }"), data/logs/dtm-build.log); it starts when built"
      return 0
    fi
    go_toolchain
    rm -f "$DTM_BUILD_FAILED"
    say "building dtm $(dtm_version) in the background (minutes, once per machine; data/logs/dtm-build.log); it starts when built"
    (
      [[ -n ${LOOKLOOK_LOCK_FD:-} ]] && exec {LOOKLOOK_LOCK_FD}>&-
      exec setsid "$ROOT/looklook" dtm-build
    ) >>"$DTM_BUILD_LOG" 2>&1 </dev/null &
    printf '%s %s\n' "$!" "$(date +%s)" >"$DTM_BUILD_MARK"
    return 0
  fi
  mkdir -p "$ROOT/.bin"
  ln -sfn "$(dtm_binary)" "$ROOT/.bin/dtm"
  local port
  for port in "$DTM_HTTP_PORT" "$DTM_GRPC_PORT" "$DTM_JSONRPC_PORT"; do
    claim_port dtm "$port"
  done
  say "starting dtm: gRPC on 127.0.0.1:$DTM_GRPC_PORT, HTTP on http://127.0.0.1:$DTM_HTTP_PORT"
  spawn dtm "$ROOT" "" "$ROOT/.bin/dtm" -c "$DTM_CONF"
  wait_until dtm 30 dtm_ready
}

dtm_wait_build() { go_tool_wait_build dtm dtm "$DTM_BUILD_MARK"; }
dtm_status() { go_tool_status dtm "$DTM_GRPC_PORT" "$DTM_BUILD_MARK" "$DTM_BUILD_FAILED"; }
dtm_down() { go_tool_down dtm dtm "$DTM_BUILD_MARK"; }
