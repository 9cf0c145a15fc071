# shellcheck shell=bash
# The binaries built from the Go module proxy (Jaeger, dtm, Docker Compose), each through a tool module
# under tools/ that pins every dependency. Builds take minutes, so each binary is cached outside the
# checkout, keyed by its version and its tool module's pins: another clone on the same machine reuses it,
# a new machine builds it once.

GO_TOOL_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/looklook/bin"

# go_toolchain puts a Go toolchain on PATH. Debian's golang-go is older than the tools need; with
# GOTOOLCHAIN=auto it fetches the go version a tool module's go.mod asks for from the module proxy.
go_toolchain() {
  if ! command -v go >/dev/null; then
    if [[ -x /usr/local/go/bin/go ]]; then
      PATH="/usr/local/go/bin:$PATH"
    else
      apt_install golang-go
    fi
  fi
  export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOFLAGS="${GOFLAGS:--buildvcs=false}"
}

# go_tool_version MODULE_DIR MODULE_PATH prints the version the tool module requires of MODULE_PATH.
go_tool_version() { awk -v m="$2" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1/go.mod"; }

# go_tool_binary NAME MODULE_DIR MODULE_PATH prints the cached binary's path for the tool module's pins.
go_tool_binary() {
  local name=$1 dir=$2 pins
  pins=$(cat "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -c1-12)
  printf '%s/%s-%s-%s\n' "$GO_TOOL_CACHE" "$name" "$(go_tool_version "$dir" "$3")" "$pins"
}

# go_tool_building MARK prints "PID STARTED" (epoch seconds) while the background build MARK names runs.
go_tool_building() {
  local pid started
  read -r pid started 2>/dev/null <"$1" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s %s\n' "$pid" "${started:-$(date +%s)}"
}

# go_tool_build LABEL VERSION BIN MODULE_DIR PACKAGE... compiles the packages of the tool module to BIN (with
# several packages, BIN is a directory holding one binary per package), once per machine: a build of the same
# tool from another checkout or terminal is waited for. Built to a temporary name and renamed, so an
# interrupted build never leaves a half-written binary behind. GO_TOOL_LDFLAGS, when set, goes to the
# linker. A build that takes long says so every 30 s.
go_tool_build() {
  local label=$1 version=$2 bin=$3 dir=$4 lock rc=0 tmp out started last pid
  shift 4
  mkdir -p "$GO_TOOL_CACHE"
  exec {lock}>"$GO_TOOL_CACHE/.${label,,}-build.lock"
  if ! flock -n "$lock"; then
    say "waiting for the $label build another ./looklook started"
    flock "$lock"
  fi
  if [[ ! -e $bin ]]; then
    say "building $label $version from the Go module proxy (cached in ${GO_TOOL_CACHE/#"$HOME"/\~})"
    tmp="$bin.tmp.$$"
    out=$tmp
    if [[ $# -gt 1 ]]; then
      mkdir -p "$tmp"
      out="$tmp/"
    fi
    started=$(date +%s)
    last=$started
    (cd "$dir" && exec go build -trimpath ${GO_TOOL_LDFLAGS:+-ldflags "$GO_TOOL_LDFLAGS"} -o "$out" "$@") &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1
      if (($(date +%s) - last >= 30)); then
        say "still building $label ($(elapsed "$started"))"
        last=$(date +%s)
      fi
    done
    wait "$pid" || rc=$?
    if [[ $rc -eq 0 ]]; then
      mv -f -T "$tmp" "$bin"
      say "built $label $version ($(elapsed "$started"))"
    else
      rm -rf "$tmp"
    fi
  fi
  exec {lock}>&-
  return "$rc"
}

# The pieces built in the background on a new machine (Jaeger, dtm): NAME is the piece `running` and
# `stop_pid` know, LABEL its name in messages, MARK its build mark, its log data/logs/NAME-build.log.

# go_tool_wait_build NAME LABEL MARK waits for a background build and the piece it starts, with a line
# every 30 s.
go_tool_wait_build() {
  local name=$1 label=$2 mark=$3 build started last
  build=$(go_tool_building "$mark") || return 0
  started=${build#* }
  say "waiting for the $label build ($(elapsed "$started") so far, data/logs/$name-build.log)"
  last=$(date +%s)
  while go_tool_building "$mark" >/dev/null; do
    sleep 1
    if (($(date +%s) - last >= 30)); then
      say "still building $label ($(elapsed "$started"))"
      last=$(date +%s)
    fi
  done
  running "$name" || fail_with_log "$name-build" "$label was not built or did not start"
  say "$label is up ($(elapsed "$started") after its build started)"
}

# go_tool_status NAME PORT MARK FAILED prints the piece's `status` line, a background build's progress
# while there is one, or the failed build.
go_tool_status() {
  local name=$1 port=$2 mark=$3 failed=$4 build
  if ! running "$name" && build=$(go_tool_building "$mark"); then
    status_line "$name" building "$port" "$(elapsed "${build#* }") (data/logs/$name-build.log)"
  elif ! running "$name" && [[ -f $failed ]]; then
    status_line "$name" down "$port" "- (the build failed: data/logs/$name-build.log)"
  else
    piece_status "$name" "$port"
  fi
}

# go_tool_down NAME LABEL MARK stops the piece, and a background build with it (it would start the piece
# when done).
go_tool_down() {
  local name=$1 label=$2 mark=$3 build
  if build=$(go_tool_building "$mark"); then
    say "stopping the $label build"
    kill -TERM -- "-${build%% *}" 2>/dev/null || true
    rm -f "$mark"
  fi
  running "$name" || return 0
  say "stopping $label"
  stop_pid "$name" 15
}
