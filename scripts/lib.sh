# shellcheck shell=bash
# Helpers shared by the ./looklook commands: paths, progress lines, apt installs, pid files, probes.
# Sourced by ./looklook, which sets ROOT and `set -euo pipefail`.

DATA="$ROOT/data"
RUN_DIR="$DATA/run"
LOG_DIR="$DATA/logs"

say() { printf '==> %s\n' "$*"; }
warn() { printf '!!  %s\n' "$*" >&2; }
die() {
  printf 'xx  %s\n' "$*" >&2
  exit 1
}

ensure_dirs() { mkdir -p "$RUN_DIR" "$LOG_DIR"; }

# elapsed SINCE prints the time since SINCE (epoch seconds): "12 s", or "3m12s" from a minute on.
elapsed() {
  local s=$(($(date +%s) - $1))
  if ((s < 60)); then printf '%d s\n' "$s"; else printf '%dm%02ds\n' $((s / 60)) $((s % 60)); fi
}

# as_root runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "root is needed to run: $*"
  fi
}

APT_UPDATED=
# apt_install installs the Debian packages that are missing. A policy-rc.d that denies service starts is put
# in place first, so packages such as nginx or mariadb-server do not start system daemons on the ports this
# project runs its own copies on; one we created is removed again afterwards.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  say "installing ${missing[*]}"
  local created_policy= t0
  t0=$(date +%s)
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
    created_policy=1
  fi
  if [[ -z $APT_UPDATED ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  local rc=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [[ -n $created_policy ]] && as_root rm -f /usr/sbin/policy-rc.d
  [[ $rc -eq 0 ]] || die "apt-get install ${missing[*]} failed"
  say "installed ${missing[*]} ($(elapsed "$t0"))"
}

# take_lock serialises the commands that start and stop pieces (up, down, the up of test) across
# terminals: two at once would both start a piece, and the loser's pid file would hide the winner.
# The lock is held until this ./looklook exits.
take_lock() {
  [[ -n ${LOOKLOOK_LOCK_FD:-} ]] && return 0
  exec {LOOKLOOK_LOCK_FD}>"$RUN_DIR/looklook.lock"
  if ! flock -n "$LOOKLOOK_LOCK_FD"; then
    say "waiting for another ./looklook up/down/test in this checkout to finish starting or stopping"
    flock "$LOOKLOOK_LOCK_FD"
  fi
}

release_lock() {
  [[ -z ${LOOKLOOK_LOCK_FD:-} ]] && return 0
  exec {LOOKLOOK_LOCK_FD}>&-
  LOOKLOOK_LOCK_FD=
}

pid_file() { printf '%s/%s.pid\n' "$RUN_DIR" "$1"; }

# pid_of prints the pid recorded for a piece this script started, when that process is still alive.
pid_of() {
  local f pid
  f=$(pid_file "$1")
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

running() { pid_of "$1" >/dev/null; }

port_open() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_ok URL succeeds when a GET answers 200 within 2 s.
http_ok() {
  node -e "fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))" "$1"
}

# spawn NAME DIR ENVFILE CMD... starts a long-running process in its own session (so it outlives the
# caller's process group and can be stopped as a group), appends its output to data/logs/NAME.log and
# records its pid. Without job control a background subshell is not a group leader, so setsid execs in
# place and $! is the process itself.
spawn() {
  local name=$1 dir=$2 envfile=$3
  shift 3
  local log="$LOG_DIR/$name.log"
  printf '\n==== %s start %s\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
  (
    cd "$dir" || exit 1
    if [[ -n $envfile ]]; then
      set -a
      # shellcheck disable=SC1090
      source "$envfile"
      set +a
    fi
    # A long-running piece must not inherit the lock: it would hold it after this command exits.
    [[ -n ${LOOKLOOK_LOCK_FD:-} ]] && exec {LOOKLOOK_LOCK_FD}>&-
    exec setsid "$@"
  ) >>"$log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$(pid_file "$name")"
}

# stop_pids SECONDS NAME... sends SIGTERM to the process groups started by spawn, all at once so their
# graceful shutdowns overlap, waits up to SECONDS for them to exit, then SIGKILLs what is left.
stop_pids() {
  local grace=$1 name pid i
  shift
  local -A pids=()
  for name in "$@"; do
    if pid=$(pid_of "$name"); then
      pids[$name]=$pid
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < grace * 10 && ${#pids[@]} > 0; i++)); do
    for name in "${!pids[@]}"; do
      kill -0 "${pids[$name]}" 2>/dev/null || unset "pids[$name]"
    done
    [[ ${#pids[@]} -gt 0 ]] && sleep 0.1
  done
  for name in "${!pids[@]}"; do
    warn "$name did not stop within ${grace}s, killing it"
    kill -KILL -- "-${pids[$name]}" 2>/dev/null || kill -KILL "${pids[$name]}" 2>/dev/null || true
  done
  for name in "$@"; do
    rm -f "$(pid_file "$name")"
  done
}

stop_pid() { stop_pids "${2:-15}" "$1"; }

# fail_with_log NAME MESSAGE prints the end of a process's log and exits.
fail_with_log() {
  local name=$1 msg=$2 log="$LOG_DIR/$1.log"
  if [[ -f $log ]]; then
    printf -- '---- last 30 lines of %s\n' "${log#"$ROOT"/}" >&2
    tail -n 30 "$log" >&2
    printf -- '----\n' >&2
  fi
  die "$name: $msg"
}

# wait_until NAME SECONDS CHECK... polls CHECK every 0.25 s; fails with the log when the process dies or time runs out.
wait_until() {
  local name=$1 secs=$2 i
  shift 2
  for ((i = 0; i < secs * 4; i++)); do
    "$@" && return 0
    if [[ -f $(pid_file "$name") ]] && ! running "$name"; then
      fail_with_log "$name" "exited during start-up"
    fi
    sleep 0.25
  done
  fail_with_log "$name" "not ready after ${secs}s"
}

# claim_port NAME PORT fails when a process this script did not start already holds the port.
claim_port() {
  if port_open "$2"; then
    die "$1: port $2 is already in use by a process ./looklook did not start; stop it first"
  fi
}
