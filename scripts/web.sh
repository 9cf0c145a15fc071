# shellcheck shell=bash
# The guest web app (web/, doc/web.md): built into web/dist, which the nginx gateway serves at /, when a
# file under web/ (or the lockfile) is newer than the last build; otherwise nothing runs. And the browser
# its tests drive (test/web), Debian's Chromium.

WEB_DIR="$ROOT/web"
WEB_STAMP="$WEB_DIR/dist/.built"
# What test/web needs to render pages: the browser and a font.
WEB_BROWSER_PACKAGES=(chromium fonts-dejavu-core)

web_stale() {
  [[ -f $WEB_STAMP && ! $ROOT/pnpm-lock.yaml -nt $WEB_STAMP ]] || return 0
  [[ -n $(find "$WEB_DIR" \( -path "$WEB_DIR/node_modules" -o -path "$WEB_DIR/dist" \) -prune -o -type f -newer "$WEB_STAMP" -print -quit) ]]
}

web_build() {
  [[ -f $WEB_DIR/package.json ]] || return 0
  web_stale || return 0
  ensure_dirs
  say "building the web app (web/ → web/dist)"
  local t0
  t0=$(date +%s)
  # A failed build leaves the apis and the gateway to start as usual; the next `up` tries again.
  if (cd "$WEB_DIR" && pnpm exec vite build --logLevel warn) >>"$LOG_DIR/web-build.log" 2>&1; then
    touch "$WEB_STAMP"
    say "built the web app ($(elapsed "$t0"))"
  else
    warn "the web app did not build (data/logs/web-build.log); the gateway serves the previous build, if any"
  fi
}

# web_browser: Chromium for test/web, installed when missing (once per machine).
web_browser() { apt_install "${WEB_BROWSER_PACKAGES[@]}"; }
