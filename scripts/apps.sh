# shellcheck shell=bash
# The app processes: discovered by scripts/apps.ts, started with `node src/main.ts` in their own
# directory, with the environment of deploy/local/<env>.env, group by group (tools, rpc, workers, apis),
# each group waited for before the next starts.

APP_READY_SECONDS=40
# The apps' V8 flags, as the Dockerfile sets them: the young generation capped at 4 MiB per semi-space
# (Node's default grows it up to 64 MiB). A NODE_OPTIONS in the caller's environment replaces it.
APP_NODE_OPTIONS=--max-semi-space-size=4
# glibc's malloc keeps one arena (MALLOC_ARENA_MAX) instead of up to eight per core for node's threads:
# 2-3 MiB less per process at the same CPU. A MALLOC_ARENA_MAX in the caller's environment replaces it.
APP_MALLOC_ARENA_MAX=1

env_file() { printf '%s/deploy/local/%s.env\n' "$ROOT" "$1"; }

# env_stamp ENV names an environment and the exact content of its file, so an app started before the file
# changed (e.g. OTEL_ENDPOINT added) counts as started with another environment and is restarted.
env_stamp() { printf '%s %s\n' "$1" "$(sha256sum <"$(env_file "$1")" | cut -c1-12)"; }

# apps_list ENV prints the discovered processes (see scripts/apps.ts) as that environment resolves them.
apps_list() {
  local envfile
  envfile=$(env_file "$1")
  [[ -f $envfile ]] || die "no environment file ${envfile#"$ROOT"/}"
  (
    set -a
    # shellcheck disable=SC1090
    source "$envfile"
    set +a
    node "$ROOT/scripts/apps.ts" list
  )
}

# app_env NAME prints the env_stamp a running app was started with.
app_env() { cat "$RUN_DIR/$1.env" 2>/dev/null || true; }

# apps_running_env prints the environment most running apps were started with (nothing when none runs),
# the one `up` without --env keeps.
apps_running_env() {
  local name stamp
  for name in $(app_pids); do
    running "$name" || continue
    stamp=$(app_env "$name")
    [[ -n $stamp ]] && printf '%s\n' "${stamp%% *}"
  done | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }'
}

# apps_env_report prints, for `status`, which environment the running apps use and whether its file
# changed since they started.
apps_env_report() {
  local name stamp env current
  local -A count=()
  for name in $(app_pids); do
    running "$name" || continue
    stamp=$(app_env "$name")
    count[${stamp:-unknown}]=$((${count[${stamp:-unknown}]:-0} + 1))
  done
  if [[ ${#count[@]} -eq 0 ]]; then
    say "no apps running (./looklook up starts them with deploy/local/dev.env)"
    return 0
  fi
  for stamp in "${!count[@]}"; do
    env=${stamp%% *}
    if [[ $stamp == unknown ]]; then
      say "${count[$stamp]} apps run with an unrecorded environment"
      continue
    fi
    current=
    [[ -f $(env_file "$env") ]] && current=$(env_stamp "$env")
    if [[ $current == "$stamp" ]]; then
      say "${count[$stamp]} apps run with env $env (deploy/local/$env.env)"
    else
      say "${count[$stamp]} apps run with env $env (deploy/local/$env.env changed since they started; ./looklook up --env $env restarts them with it)"
    fi
  done
}

# apps_up ENV [MODE]: starts every app not yet running, with deploy/local/ENV.env. MODE `keep` leaves every
# running app alone (up without --env); without MODE one running with another environment (or another
# content of that env file) is restarted; with `restart` every one is.
apps_up() {
  local env=$1 mode=${2:-} listing stamp
  listing=$(apps_list "$env") || die "cannot read the apps' etc/*.yaml"
  [[ -z $listing ]] && return 0
  stamp=$(env_stamp "$env")
  local group name grp dir probe host port
  local -a specs stale=()
  # Whatever must restart is stopped first, together, so the new processes start against a quiet system.
  for name in $(app_pids); do
    [[ $mode == keep ]] && break
    if running "$name" && { [[ $mode == restart ]] || [[ $(app_env "$name") != "$stamp" ]]; }; then
      stale+=("$name")
    fi
  done
  if [[ ${#stale[@]} -gt 0 ]]; then
    say "restarting ${stale[*]} with deploy/local/$env.env"
    stop_pids 15 "${stale[@]}"
  fi
  for group in tools rpc worker api; do
    specs=()
    while IFS=$'\t' read -r name grp dir probe host port _; do
      [[ $grp == "$group" ]] || continue
      if running "$name"; then
        specs+=("$name,$(pid_of "$name"),$probe,$host,$port")
        continue
      fi
      app_start "$name" "$dir" "$env"
      specs+=("$name,$(<"$(pid_file "$name")"),$probe,$host,$port")
    done <<<"$listing"
    [[ ${#specs[@]} -eq 0 ]] && continue
    apps_wait "$group" "${specs[@]}"
  done
}

# app_start NAME DIR ENV starts one app with deploy/local/ENV.env and records that environment. Node's
# compile cache (data/cache/node) keeps the type-stripped sources: a start that finds its files there
# never loads the TypeScript stripper, which alone holds about 17 MiB of every process's memory.
app_start() {
  local name=$1 dir=$2 env=$3
  say "starting $name with deploy/local/$env.env"
  spawn "$name" "$dir" "$(env_file "$env")" env "NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-$ROOT/data/cache/node}" \
    "NODE_OPTIONS=${NODE_OPTIONS-$APP_NODE_OPTIONS}" \
    "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX-$APP_MALLOC_ARENA_MAX}" node src/main.ts
  env_stamp "$env" >"$RUN_DIR/$name.env"
}

# apps_wait WHAT SPEC... waits until every SPEC (name,pid,probe,host,port) is ready; the ones that are not
# go to APP_FAILURES.
apps_wait() {
  local what=$1 failed line
  shift
  if ! failed=$(node "$ROOT/scripts/apps.ts" wait "$APP_READY_SECONDS" "$@"); then
    [[ -n $failed ]] || die "waiting for the $what processes failed"
    while IFS= read -r line; do
      warn "${line%%$'\t'*}: ${line#*$'\t'}"
      APP_FAILURES+=("$line")
    done <<<"$failed"
  fi
}

# apps_restart NAME...: stops each named app and starts it again before the next one, with the environment
# it ran with (for an app that was down: the one the running apps use, dev when none runs), so the others
# keep serving throughout. ./looklook dev calls it for every app whose sources changed.
apps_restart() {
  local name env stamp line dir probe host port
  for name in "$@"; do
    stamp=$(app_env "$name")
    if running "$name" && [[ -n $stamp ]]; then
      env=${stamp%% *}
    else
      env=$(apps_running_env)
      env=${env:-dev}
    fi
    [[ -f $(env_file "$env") ]] || env=dev
    line=$(apps_list "$env" | awk -F '\t' -v n="$name" '$1 == n') || die "cannot read the apps' etc/*.yaml"
    [[ -n $line ]] || die "no app named $name (./looklook status lists them)"
    IFS=$'\t' read -r _ _ dir probe host port _ <<<"$line"
    if running "$name"; then
      say "stopping $name"
      stop_pid "$name" 15
    fi
    app_start "$name" "$dir" "$env"
    apps_wait "$name" "$name,$(<"$(pid_file "$name")"),$probe,$host,$port"
  done
  apps_report_failures
}

# APP_FAILURES collects `name<TAB>reason` of apps that did not come up; `up` carries on with the rest
# (in a shared working copy one broken process should not keep the others and the gateway down) and
# reports them at the end.
APP_FAILURES=()

apps_report_failures() {
  [[ ${#APP_FAILURES[@]} -eq 0 ]] && return 0
  local line name
  for line in "${APP_FAILURES[@]}"; do
    name=${line%%$'\t'*}
    printf -- '---- last 30 lines of data/logs/%s.log\n' "$name" >&2
    tail -n 30 "$LOG_DIR/$name.log" >&2 || true
  done
  printf -- '----\n' >&2
  die "not up: $(printf '%s\n' "${APP_FAILURES[@]}" | cut -f1 | paste -sd ' ')"
}

# app_pids lists the names of apps with pid files: everything `up` started that is not infrastructure.
app_pids() {
  local f name
  shopt -s nullglob
  for f in "$RUN_DIR"/*.pid; do
    name=$(basename "$f" .pid)
    case $name in mysql | redis | kafka | jaeger | dtm | nginx | prometheus | mariadbd | k8s-*) ;; *) printf '%s\n' "$name" ;; esac
  done
  shopt -u nullglob
}

apps_down() {
  local name
  local -a names=()
  for name in $(app_pids); do
    names+=("$name")
    rm -f "$RUN_DIR/$name.env"
  done
  [[ ${#names[@]} -eq 0 ]] && return 0
  say "stopping ${names[*]}"
  stop_pids 15 "${names[@]}"
}
