# shellcheck shell=bash
# Jaeger v2 (in-memory, OTLP in on 127.0.0.1:4318, query API on 127.0.0.1:16686), built from the Go module
# proxy through the tool module tools/jaeger: `go install …@version` refuses Jaeger's module because its go.mod
# has a replace directive, so tools/jaeger/go.mod repeats that replace and pins every dependency (go.sum).
# The binary is cached per machine like every tool built from the Go module proxy (scripts/gotools.sh).
# The Go module build has no UI assets; the query API is complete, the full UI is the docker-compose one.

JAEGER_MODULE="$ROOT/tools/jaeger"
JAEGER_OTLP_HTTP_PORT=4318
JAEGER_OTLP_GRPC_PORT=4317
JAEGER_QUERY_PORT=16686
JAEGER_QUERY_GRPC_PORT=16685
JAEGER_METRICS_PORT=14269

jaeger_version() { go_tool_version "$JAEGER_MODULE" github.com/jaegertracing/jaeger; }
jaeger_binary() { go_tool_binary jaeger "$JAEGER_MODULE" github.com/jaegertracing/jaeger; }

# The build runs in the background on a machine without the cached binary, so a first `up` does not wait
# minutes for it: the rest of the stack starts meanwhile (the apps' exporters drop spans while nothing
# listens on 4318) and the build starts Jaeger itself when it is done. While it runs, JAEGER_BUILD_MARK
# holds its pid and start time (status shows it); a failed build leaves JAEGER_BUILD_FAILED.
JAEGER_BUILD_MARK="$RUN_DIR/jaeger-build"
JAEGER_BUILD_FAILED="$RUN_DIR/jaeger-build.failed"
JAEGER_BUILD_LOG="$LOG_DIR/jaeger-build.log"

jaeger_building() { go_tool_building "$JAEGER_BUILD_MARK"; }
jaeger_build() {
  go_tool_build Jaeger "$(jaeger_version)" "$(jaeger_binary)" "$JAEGER_MODULE" github.com/jaegertracing/jaeger/cmd/jaeger
}

# cmd_jaeger_build is the background build `up` starts (./looklook jaeger-build, its output in
# data/logs/jaeger-build.log): build, then start Jaeger under the lock `up` and `down` take.
cmd_jaeger_build() {
  ensure_dirs
  local t0
  t0=$(date +%s)
  trap 'rm -f "$JAEGER_BUILD_MARK"' EXIT
  printf '\n==== %s\n' "$(date -u +%FT%TZ)"
  go_toolchain
  if ! jaeger_build; then
    touch "$JAEGER_BUILD_FAILED"
    die "go build failed in tools/jaeger after $(elapsed "$t0")"
  fi
  say "built Jaeger ($(elapsed "$t0"))"
  take_lock
  jaeger_up
}

jaeger_ready() { http_ok "http://127.0.0.1:$JAEGER_QUERY_PORT/api/services"; }

jaeger_up() {
  running jaeger && return 0
  ensure_dirs
  local build
  if [[ ! -x $(jaeger_binary) ]]; then
    if build=$(jaeger_building); then
      say "Jaeger is still building ($(elapsed "${build#* }"), data/logs/jaeger-build.log); it starts when built"
      return 0
    fi
    # Go comes from apt when missing, and apt takes one install at a time: installed here, not in the
    # background next to the installs of the pieces that follow.
    go_toolchain
    rm -f "$JAEGER_BUILD_FAILED"
    say "building Jaeger $(jaeger_version) in the background (minutes, once per machine; data/logs/jaeger-build.log); it starts when built"
    ensure_dirs
    (
      [[ -n ${LOOKLOOK_LOCK_FD:-} ]] && exec {LOOKLOOK_LOCK_FD}>&-
      exec setsid "$ROOT/looklook" jaeger-build
    ) >>"$JAEGER_BUILD_LOG" 2>&1 </dev/null &
    printf '%s %s\n' "$!" "$(date +%s)" >"$JAEGER_BUILD_MARK"
    return 0
  fi
  # The checkout's own link (.bin/ is git-ignored) names the binary the scripts run.
  mkdir -p "$ROOT/.bin"
  ln -sfn "$(jaeger_binary)" "$ROOT/.bin/jaeger"
  local port
  for port in "$JAEGER_OTLP_HTTP_PORT" "$JAEGER_OTLP_GRPC_PORT" "$JAEGER_QUERY_PORT" "$JAEGER_QUERY_GRPC_PORT" "$JAEGER_METRICS_PORT"; do
    claim_port jaeger "$port"
  done
  say "starting Jaeger: OTLP on 127.0.0.1:$JAEGER_OTLP_HTTP_PORT, query API on http://127.0.0.1:$JAEGER_QUERY_PORT"
  spawn jaeger "$ROOT" "" env JAEGER_OTLP_HTTP_PORT="$JAEGER_OTLP_HTTP_PORT" JAEGER_OTLP_GRPC_PORT="$JAEGER_OTLP_GRPC_PORT" \
    JAEGER_QUERY_PORT="$JAEGER_QUERY_PORT" JAEGER_QUERY_GRPC_PORT="$JAEGER_QUERY_GRPC_PORT" JAEGER_METRICS_PORT="$JAEGER_METRICS_PORT" \
    "$ROOT/.bin/jaeger" --config "$JAEGER_MODULE/config.yaml"
  wait_until jaeger 30 jaeger_ready
}

jaeger_wait_build() { go_tool_wait_build jaeger Jaeger "$JAEGER_BUILD_MARK"; }
jaeger_status() { go_tool_status jaeger "$JAEGER_QUERY_PORT" "$JAEGER_BUILD_MARK" "$JAEGER_BUILD_FAILED"; }
jaeger_down() { go_tool_down jaeger Jaeger "$JAEGER_BUILD_MARK"; }
