# shellcheck shell=bash
# ./looklook bench: scripts/bench.ts against the running stack (never started here), wrk installed from
# Debian's packages when missing. With --baseline REF the app processes of REF (a scratch worktree under
# /tmp/looklook-bench) and of this checkout take turns on the same infrastructure, same env file and
# ports, round after round; the working tree's apps run again at the end, also after a failure.

BENCH_DIR="$DATA/bench"
BENCH_REF_RUN="$BENCH_DIR/baseline-run"
BENCH_WORKTREES=/tmp/looklook-bench
BENCH_SETTLE_SECONDS=5

# bench_apps_env prints the environment the running apps were started with (dev when none says).
bench_apps_env() {
  local name stamp
  for name in $(app_pids); do
    stamp=$(app_env "$name")
    if [[ -n $stamp ]]; then
      printf '%s\n' "${stamp%% *}"
      return 0
    fi
  done
  printf 'dev\n'
}

# bench_ts ENV ARG... runs scripts/bench.ts with the apps' environment (REDIS_PASS, the ports apps.ts resolves).
bench_ts() {
  local env=$1
  shift
  (
    set -a
    # shellcheck disable=SC1090
    source "$(env_file "$env")"
    set +a
    LOOKLOOK_BENCH_ENV=$env exec node "$ROOT/scripts/bench.ts" "$@"
  )
}

# bench_worktree REF prints the directory of a scratch worktree of REF with its dependencies installed.
bench_worktree() {
  local sha wt
  sha=$(git -C "$ROOT" rev-parse --verify --quiet "$1^{commit}") || die "bench: no commit $1"
  wt="$BENCH_WORKTREES/${sha:0:12}"
  if [[ ! -f $wt/package.json ]]; then
    mkdir -p "$BENCH_WORKTREES"
    git -C "$ROOT" worktree prune
    git -C "$ROOT" worktree add --detach "$wt" "$sha" >&2 || die "bench: git worktree add $wt failed"
  fi
  say "pnpm install --frozen-lockfile in ${wt} (from the store)" >&2
  (cd "$wt" && pnpm install --frozen-lockfile --prefer-offline) >"$BENCH_DIR/baseline-install.log" 2>&1 ||
    die "bench: pnpm install in $wt failed (see data/bench/baseline-install.log)"
  printf '%s\n' "$wt"
}

# bench_ref_up WORKTREE ENV stops this checkout's apps and starts the worktree's, group by group like
# apps_up, their pid files in data/bench/baseline-run and logs in data/bench/baseline-logs.
bench_ref_up() {
  local wt=$1 env=$2 listing group name grp dir probe host port failed
  apps_down
  listing=$(
    export LOOKLOOK_APPS_ROOT=$wt
    apps_list "$env"
  ) || die "bench: cannot list the apps of $wt"
  # spawn and pid_file read these: the baseline's pid files never mix with the checkout's.
  local RUN_DIR=$BENCH_REF_RUN LOG_DIR="$BENCH_DIR/baseline-logs"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  local -a specs
  for group in tools rpc worker api; do
    specs=()
    while IFS=$'\t' read -r name grp dir probe host port _; do
      [[ $grp == "$group" ]] || continue
      spawn "$name" "$dir" "$(env_file "$env")" node src/main.ts
      specs+=("$name,$(<"$(pid_file "$name")"),$probe,$host,$port")
    done <<<"$listing"
    [[ ${#specs[@]} -eq 0 ]] && continue
    failed=$(node "$ROOT/scripts/apps.ts" wait "$APP_READY_SECONDS" "${specs[@]}") ||
      die "bench: baseline apps not ready: ${failed//$'\n'/; } (logs in data/bench/baseline-logs)"
  done
}

# bench_ref_down stops the baseline's apps.
bench_ref_down() {
  local RUN_DIR=$BENCH_REF_RUN f
  local -a names=()
  shopt -s nullglob
  for f in "$RUN_DIR"/*.pid; do names+=("$(basename "$f" .pid)"); done
  shopt -u nullglob
  [[ ${#names[@]} -eq 0 ]] && return 0
  say "stopping the baseline's apps"
  stop_pids 15 "${names[@]}"
}

# bench_restore ENV: the baseline's apps stopped, this checkout's running again.
bench_restore() {
  bench_ref_down
  apps_up "$1"
  apps_report_failures
}

cmd_bench() {
  cd "$ROOT"
  local baseline='' rounds=2 env a
  local -a args=()
  while [[ $# -gt 0 ]]; do
    a=$1
    shift
    case $a in
    --baseline) baseline=${1:?--baseline needs a commit} && shift ;;
    --baseline=*) baseline=${a#*=} ;;
    --rounds) rounds=${1:?--rounds needs a number} && shift ;;
    --rounds=*) rounds=${a#*=} ;;
    *) args+=("$a") ;;
    esac
  done
  [[ $rounds =~ ^[1-9][0-9]?$ ]] || die "bench: --rounds takes a number from 1 to 99"
  http_ok "http://127.0.0.1:$NGINX_PORT/healthz" ||
    die "bench: the gateway on 127.0.0.1:$NGINX_PORT does not answer; the bench measures the running stack, start it with ./looklook up"
  apt_install wrk redis-tools
  mkdir -p "$BENCH_DIR"
  env=$(bench_apps_env)
  if [[ -z $baseline ]]; then
    bench_ts "$env" "${args[@]}"
    return
  fi
  local wt parts r side
  wt=$(bench_worktree "$baseline")
  parts="$BENCH_DIR/baseline-parts.$$"
  mkdir -p "$parts"
  # The swaps hold the lock, so no other ./looklook starts apps on the ports meanwhile.
  take_lock
  say "bench --baseline $baseline: $rounds round(s); every app of this checkout stops while the baseline's run"
  # shellcheck disable=SC2064
  trap "bench_restore '$env'" EXIT
  for ((r = 1; r <= rounds; r++)); do
    for side in baseline current; do
      if [[ $side == baseline ]]; then
        say "round $r: starting the apps of $baseline"
        bench_ref_up "$wt" "$env"
      else
        say "round $r: starting the working tree's apps"
        bench_ref_down
        apps_up "$env"
        apps_report_failures
      fi
      # Start-up work (consumer groups joining, pools filling, first JIT) must not land in the first scenario.
      sleep "$BENCH_SETTLE_SECONDS"
      bench_ts "$env" --label "$side" --round "$r" --partial "$parts/$side-$r.json" \
        --run-dir "$BENCH_REF_RUN" "${args[@]}"
    done
  done
  trap - EXIT
  (
    set -a
    # shellcheck disable=SC1090
    source "$(env_file "$env")"
    set +a
    LOOKLOOK_BENCH_SIDES="baseline $(git -C "$ROOT" rev-parse --short "$baseline"), current $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- || printf ' + uncommitted changes'), $rounds round(s)" \
      node "$ROOT/scripts/bench.ts" merge "$parts"/*.json
  )
}
