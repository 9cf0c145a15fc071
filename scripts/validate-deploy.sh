#!/usr/bin/env bash
# Offline validation of the deployment files: the Kubernetes overlays (rendered with kustomize, every
# object checked by kubeconform against the Kubernetes JSON schemas), both Compose files (loaded by
# compose-go, the library `docker compose config` runs) and the Prometheus config (promtool). Nothing
# here needs Docker, a cluster or a download site: the validators come from registries.
#
#   scripts/validate-deploy.sh tools   install what is missing (idempotent), print NAME=path lines
#   scripts/validate-deploy.sh check   install, then validate everything; exits 1 on the first failure
#
# What gets installed, and from where:
#   .bin/kustomize, .bin/kubeconform   `go install` from the Go module proxy
#   .bin/compose-check                 built from tools/validators (compose-go from the Go module proxy)
#   .tools/kubernetes-json-schema/     the strict JSON schemas shipped in PyPI's kubernetes-validate wheel,
#                                      with their cross-file $refs made relative so kubeconform resolves
#                                      them from disk instead of fetching https://kubernetes.io/...
#   promtool                           Debian's prometheus package, when missing
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

KUSTOMIZE_MODULE=sigs.k8s.io/kustomize/kustomize/v5
KUSTOMIZE_VERSION=v5.8.1
KUBECONFORM_MODULE=github.com/yannh/kubeconform/cmd/kubeconform
KUBECONFORM_VERSION=v0.7.0
SCHEMA_PACKAGE=kubernetes-validate
SCHEMA_PACKAGE_VERSION=1.37.0
# The oldest and the newest Kubernetes minor the manifests are checked against.
K8S_VERSIONS=(1.32.0 1.37.0)

BIN="$ROOT/.bin"
SCHEMAS="$ROOT/.tools/kubernetes-json-schema"
VALIDATORS="$ROOT/tools/validators"

go_cmd() {
  if command -v go >/dev/null; then
    go "$@"
  elif [[ -x /usr/local/go/bin/go ]]; then
    /usr/local/go/bin/go "$@"
  else
    die "Go is needed to build the validators (kustomize, kubeconform, compose-check)"
  fi
}

# module_version BINARY prints the main module version recorded in a Go binary, or nothing.
module_version() {
  [[ -x $1 ]] || return 0
  go_cmd version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

go_install() {
  local module=$1 version=$2 binary=$3
  [[ $(module_version "$BIN/$binary") == "$version" ]] && return 0
  say "installing $binary $version (go install $module)"
  mkdir -p "$BIN"
  GOBIN="$BIN" GOFLAGS=-buildvcs=false go_cmd install "$module@$version" || die "go install $module@$version failed"
}

compose_check_install() {
  local bin="$BIN/compose-check" f
  if [[ -x $bin ]]; then
    local stale=
    for f in "$VALIDATORS/go.mod" "$VALIDATORS/go.sum" "$VALIDATORS"/compose/*.go; do
      [[ $f -nt $bin ]] && stale=1
    done
    [[ -z $stale ]] && return 0
  fi
  say "building compose-check (tools/validators)"
  mkdir -p "$BIN"
  (cd "$VALIDATORS" && GOFLAGS=-buildvcs=false go_cmd build -o "$bin" ./compose) || die "building tools/validators/compose failed"
}

schemas_install() {
  local stamp="$SCHEMAS/.installed" want="$SCHEMA_PACKAGE==$SCHEMA_PACKAGE_VERSION ${K8S_VERSIONS[*]}"
  [[ -f $stamp && $(<"$stamp") == "$want" ]] && return 0
  say "installing the Kubernetes JSON schemas ($SCHEMA_PACKAGE $SCHEMA_PACKAGE_VERSION from PyPI)"
  command -v python3 >/dev/null || apt_install python3 python3-pip
  local tmp
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "$SCHEMA_PACKAGE==$SCHEMA_PACKAGE_VERSION" ||
    die "pip download $SCHEMA_PACKAGE==$SCHEMA_PACKAGE_VERSION failed"
  python3 -m zipfile -e "$tmp"/*.whl "$tmp/wheel"
  rm -rf "$SCHEMAS"
  mkdir -p "$SCHEMAS"
  local v
  for v in "${K8S_VERSIONS[@]}"; do
    local from="$tmp/wheel/kubernetes_validate/kubernetes-json-schema/v$v-local-strict"
    [[ -d $from ]] || die "$SCHEMA_PACKAGE $SCHEMA_PACKAGE_VERSION has no schemas for Kubernetes $v"
    # Each schema carries an absolute $id (https://kubernetes.io/api/...) and refers to its sibling
    # _definitions.json by an absolute path under that host; without the $id and with a relative $ref
    # the reference resolves to the file next to it.
    node -e '
      const fs = require("node:fs"), path = require("node:path")
      const [from, to] = process.argv.slice(1)
      fs.mkdirSync(to, { recursive: true })
      for (const name of fs.readdirSync(from).filter((f) => f.endsWith(".json"))) {
        const schema = JSON.parse(fs.readFileSync(path.join(from, name), "utf8"))
        delete schema.$id
        const text = JSON.stringify(schema).replaceAll("\"/api/_definitions.json#", "\"_definitions.json#")
        fs.writeFileSync(path.join(to, name), text)
      }
    ' "$from" "$SCHEMAS/v$v-strict"
  done
  printf '%s\n' "$want" >"$stamp"
}

promtool_install() {
  command -v promtool >/dev/null || apt_install prometheus
}

install_tools() {
  go_install "$KUSTOMIZE_MODULE" "$KUSTOMIZE_VERSION" kustomize
  go_install "$KUBECONFORM_MODULE" "$KUBECONFORM_VERSION" kubeconform
  compose_check_install
  schemas_install
  promtool_install
}

print_tools() {
  printf 'KUSTOMIZE=%s\n' "$BIN/kustomize"
  printf 'KUBECONFORM=%s\n' "$BIN/kubeconform"
  printf 'COMPOSE_CHECK=%s\n' "$BIN/compose-check"
  printf 'PROMTOOL=%s\n' "$(command -v promtool)"
  printf 'K8S_SCHEMAS=%s\n' "$SCHEMAS"
  printf 'K8S_VERSIONS=%s\n' "${K8S_VERSIONS[*]}"
}

# kubeconform_check FILE validates rendered manifests against every Kubernetes version in K8S_VERSIONS.
kubeconform_check() {
  local file=$1 v
  for v in "${K8S_VERSIONS[@]}"; do
    "$BIN/kubeconform" -strict -summary -kubernetes-version "$v" \
      -schema-location "$SCHEMAS/v$v-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$file"
  done
}

check() {
  local tmp overlay
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  for overlay in "$ROOT"/deploy/k8s/overlays/*/; do
    overlay=${overlay%/}
    say "kustomize build ${overlay#"$ROOT"/} | kubeconform"
    "$BIN/kustomize" build "$overlay" >"$tmp/rendered.yaml"
    kubeconform_check "$tmp/rendered.yaml"
  done
  local compose
  for compose in docker-compose-env.yml docker-compose.yml; do
    say "compose-check $compose"
    "$BIN/compose-check" "$ROOT/$compose" >/dev/null
  done
  say "promtool check config deploy/prometheus/server/prometheus.yml"
  promtool check config "$ROOT/deploy/prometheus/server/prometheus.yml"
}

case ${1:-} in
tools)
  install_tools >&2
  print_tools
  ;;
check)
  install_tools
  check
  say "deploy files valid"
  ;;
*)
  printf 'usage: %s tools|check\n' "$0" >&2
  exit 64
  ;;
esac
