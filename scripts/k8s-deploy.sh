#!/usr/bin/env bash
# Rolls one process out to a cluster from a kustomize overlay, as the Jenkinsfile's deploy stage does:
#
#   scripts/k8s-deploy.sh OVERLAY SERVICE IMAGE
#     OVERLAY  a folder of deploy/k8s/overlays (prod, local, dev) or the path of one
#     SERVICE  the process, e.g. travel-api
#     IMAGE    what it runs from now on, e.g. harbor.looklook.internal/looklook/travel-api:1a2b3c4
#
# A temporary kustomization over the overlay sets SERVICE's image to IMAGE; the kustomize that
# scripts/validate-deploy.sh installs renders it; then the objects every process shares (the namespace,
# looklook-env, the secrets and config maps: no app.kubernetes.io/name label) are applied, then SERVICE's
# own (Deployment, Service, HPA), and the rollout is awaited for 5 minutes. The other processes keep the
# images they run. An autoscaled process keeps the replica count its HPA gave it.
#
# KUBECTL names the kubectl to run (default kubectl, with its usual KUBECONFIG); KUBE_NAMESPACE the
# namespace (default looklook).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

KUBECTL=${KUBECTL:-kubectl}
NAMESPACE=${KUBE_NAMESPACE:-looklook}

[[ $# -eq 3 ]] || die "usage: scripts/k8s-deploy.sh OVERLAY SERVICE IMAGE (e.g. prod travel-api harbor.looklook.internal/looklook/travel-api:1a2b3c4)"
overlay=$1 service=$2 image=$3
[[ -d $overlay ]] || overlay="$ROOT/deploy/k8s/overlays/$overlay"
[[ -f $overlay/kustomization.yaml ]] || die "no overlay $1 (deploy/k8s/overlays/$1/kustomization.yaml)"
overlay=$(cd "$overlay" && pwd)
# Every process has its entry in the overlay's generated images list.
grep -q "^  - name: looklook/$service\$" "$overlay/kustomization.yaml" ||
  die "$service is no process of ${overlay#"$ROOT"/} (its images list has no looklook/$service)"
[[ $image =~ ^[a-z0-9][A-Za-z0-9._/:@-]*$ ]] || die "not an image reference: $image"

kustomize=$("$ROOT/scripts/validate-deploy.sh" tools | sed -n 's/^KUSTOMIZE=//p')
[[ -x $kustomize ]] || die "scripts/validate-deploy.sh tools gave no kustomize"

# kustomize takes the overlay only by a relative path, so the temporary kustomization lives in the checkout.
mkdir -p "$ROOT/data"
tmp=$(mktemp -d "$ROOT/data/k8s-deploy.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# An HPA owns the replica count of its Deployment: the one it chose stays.
replicas=
if "$KUBECTL" --namespace "$NAMESPACE" get hpa "$service" >/dev/null 2>&1; then
  replicas=$("$KUBECTL" --namespace "$NAMESPACE" get deployment "$service" -o jsonpath='{.spec.replicas}' 2>/dev/null || true)
fi

{
  printf '%s\n' 'apiVersion: kustomize.config.k8s.io/v1beta1' 'kind: Kustomization' 'resources:'
  printf '  - %s\n' "$(realpath --relative-to="$tmp" "$overlay")"
  printf '%s\n' 'patches:' '  - target:' '      kind: Deployment' "      name: $service" '    patch: |-'
  printf '%s\n' '      - op: replace' '        path: /spec/template/spec/containers/0/image' "        value: \"$image\""
  if [[ $replicas =~ ^[0-9]+$ ]]; then
    printf '%s\n' '      - op: replace' '        path: /spec/replicas' "        value: $replicas"
  fi
} >"$tmp/kustomization.yaml"

"$kustomize" build "$tmp" >"$tmp/rendered.yaml"
grep -q "image: $image\$" "$tmp/rendered.yaml" || die "the rendered ${overlay#"$ROOT"/} does not run $image for $service"

say "deploying $image as $service (${overlay#"$ROOT"/}, namespace $NAMESPACE)"
"$KUBECTL" apply -f "$tmp/rendered.yaml" --selector '!app.kubernetes.io/name'
"$KUBECTL" apply -f "$tmp/rendered.yaml" --selector "app.kubernetes.io/name=$service"
"$KUBECTL" --namespace "$NAMESPACE" rollout status "deployment/$service" --timeout=5m
say "$service runs $image"
