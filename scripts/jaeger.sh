# shellcheck shell=bash
# Jaeger v2 (in-memory, OTLP in on 127.0.0.1:4318, query API on 127.0.0.1:16686), built from the Go module
# proxy through the tool module tools/jaeger: `go install …@version` refuses Jaeger's module because its go.mod
# has a replace directive, so tools/jaeger/go.mod repeats that replace and pins every dependency (go.sum).
# The build takes minutes, so the binary is cached outside the checkout, keyed by the Jaeger version and the
# tool module's pins: another clone on the same machine reuses it, a new machine builds it once.
# The Go module build has no UI assets; the query API is complete, the full UI is the docker-compose one.

JAEGER_MODULE="$ROOT/tools/jaeger"
JAEGER_OTLP_HTTP_PORT=4318
JAEGER_OTLP_GRPC_PORT=4317
JAEGER_QUERY_PORT=16686
JAEGER_QUERY_GRPC_PORT=16685
JAEGER_METRICS_PORT=14269
JAEGER_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/looklook/bin"

# jaeger_go puts a Go toolchain on PATH. Debian's golang-go is older than Jaeger needs; with
# GOTOOLCHAIN=auto it fetches the go version tools/jaeger/go.mod asks for from the module proxy.
jaeger_go() {
  if ! command -v go >/dev/null; then
    if [[ -x /usr/local/go/bin/go ]]; then
      PATH="/usr/local/go/bin:$PATH"
    else
      apt_install golang-go
    fi
  fi
  export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOFLAGS="${GOFLAGS:--buildvcs=false}"
}

jaeger_version() { awk '$1 == "github.com/jaegertracing/jaeger" { print $2; exit }' "$JAEGER_MODULE/go.mod"; }

# jaeger_binary prints the cached binary's path for the current tool module.
jaeger_binary() {
  local pins
  pins=$(cat "$JAEGER_MODULE/go.mod" "$JAEGER_MODULE/go.sum" | sha256sum | cut -c1-12)
  printf '%s/jaeger-%s-%s\n' "$JAEGER_CACHE" "$(jaeger_version)" "$pins"
}

jaeger_install() {
  local bin
  bin=$(jaeger_binary)
  if [[ ! -x $bin ]]; then
    mkdir -p "$JAEGER_CACHE"
    # One build per machine: an `up` from another checkout or terminal waits for the running build.
    local lock
    exec {lock}>"$JAEGER_CACHE/.jaeger-build.lock"
    if ! flock -n "$lock"; then
      say "waiting for the Jaeger build another ./looklook started"
      flock "$lock"
    fi
    if [[ ! -x $bin ]]; then
      jaeger_go
      say "building Jaeger $(jaeger_version) from the Go module proxy (several minutes on 2 cores; cached in ${JAEGER_CACHE/#"$HOME"/\~})"
      # Built to a temporary name and renamed, so an interrupted build never leaves a half-written binary behind.
      (cd "$JAEGER_MODULE" && go build -trimpath -o "$bin.tmp.$$" github.com/jaegertracing/jaeger/cmd/jaeger) \
        >>"$LOG_DIR/jaeger.log" 2>&1 || {
        rm -f "$bin.tmp.$$"
        exec {lock}>&-
        fail_with_log jaeger "go build failed in tools/jaeger"
      }
      mv -f "$bin.tmp.$$" "$bin"
    fi
    exec {lock}>&-
  fi
  # The checkout's own link (.bin/ is git-ignored) names the binary the scripts run.
  mkdir -p "$ROOT/.bin"
  ln -sfn "$bin" "$ROOT/.bin/jaeger"
}

jaeger_ready() { http_ok "http://127.0.0.1:$JAEGER_QUERY_PORT/api/services"; }

jaeger_up() {
  running jaeger && return 0
  ensure_dirs
  jaeger_install
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

jaeger_down() {
  running jaeger || return 0
  say "stopping Jaeger"
  stop_pid jaeger 15
}
