# shellcheck shell=bash
# The project on the local Kubernetes cluster: scripts/k8s.sh brings the cluster up, then calls
# k8s_project_up, which
#   1. builds the base images (scripts/containers.sh) and one process image per app and the WeChat sandbox
#      from the Dockerfile (looklook/<process>:local), each labelled with the hash of what it is built from
#      (org.looklook.recipe) and rebuilt only when that changed;
#   2. imports into the cluster's containerd, with one `docker save`, the images it lacks or holds in
#      another version, and restarts the workloads of those it replaced;
#   3. applies deploy/k8s/overlays/local in two steps, the infrastructure (namespace, volumes, MariaDB,
#      Redis, Kafka, dtm, the sandbox, the schema and topics Jobs) and then the processes, waiting for each
#      with a progress line every 30 s and, on a timeout, the pods not ready with their events and logs.
# The gateway then answers on http://127.0.0.1:30888 and the sandbox on http://127.0.0.1:30960.
#
# From scripts/k8s.sh: KUBECTL, K8S_DIR, k8s_ctr (ctr on the cluster's containerd, namespace k8s.io).
# State of its own under data/k8s-project (the rendered overlay, the sandbox's key set); the volumes of
# MariaDB, Kafka and Redis under K8S_VOLUMES on the host, so their data outlives the cluster.

K8S_PROJECT_OVERLAY="$ROOT/deploy/k8s/overlays/local"
K8S_PROJECT_DIR="$DATA/k8s-project"
K8S_PROJECT_LOG="$LOG_DIR/k8s-project.log"
K8S_NAMESPACE=looklook
K8S_VOLUMES=/var/lib/looklook/k8s-volumes
K8S_GATEWAY_URL=http://127.0.0.1:30888
# Seconds each apply step may take to become ready (15 Node.js processes starting on two cores).
K8S_PROJECT_TIMEOUT=${K8S_PROJECT_TIMEOUT:-900}
# The labels that tell the processes' objects (scripts/gen-deploy.ts) from the infrastructure's.
K8S_APPS_SELECTOR='app.kubernetes.io/component in (api,rpc,worker,gateway)'
K8S_INFRA_SELECTOR='app.kubernetes.io/component notin (api,rpc,worker,gateway)'
# The volume directories and the owner each workload writes them as (Kafka's appuser, Redis's 999; the
# MariaDB image's entrypoint runs as root and hands its directory to mysql itself).
K8S_VOLUME_OWNERS=("mariadb 0:0" "kafka 1000:1000" "redis 999:999")
# The infrastructure images the overlay names (infra-images.yaml), with the workload each one runs.
K8S_INFRA_IMAGES=(
  "looklook/mariadb:10.11 statefulset/mariadb"
  "looklook/redis:7 statefulset/redis"
  "looklook/kafka:4.1 statefulset/kafka"
  "looklook/dtm:1.19 deployment/dtm"
  "looklook/nginx:1.22 deployment/nginx-gateway"
  "looklook/node:24 -"
)

kc() { "$KUBECTL" --namespace "$K8S_NAMESPACE" "$@"; }

# ---- process images ------------------------------------------------------------------------------

# k8s_project_recipes NODE_IMAGE_ID prints "name folder recipe" per process image: every app process and
# the WeChat sandbox. The recipe hashes the Dockerfile, the lockfile and workspace manifests, the Node
# image, and the sources (src, etc, pb, gen, package.json) of the process and of every workspace package
# it depends on: what the image's process runs.
k8s_project_recipes() {
  (cd "$ROOT" && LOOKLOOK_NODE_IMAGE_ID=$1 node --input-type=module) <<'JS'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
const root = process.cwd()
const { discover } = await import(pathToFileURL(join(root, 'scripts/gen-deploy.ts')).href)
const { dependencyClosure, SOURCE_DIRS, workspacePackages } = await import(pathToFileURL(join(root, 'scripts/workspace.ts')).href)
const files = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && !join(e.parentPath, e.name).includes('/node_modules/'))
        .map((e) => join(e.parentPath, e.name))
    : []
const common = ['Dockerfile', '.dockerignore', 'pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml', ...files(join(root, 'patches')).map((f) => relative(root, f))]
const pkgs = workspacePackages(root)
const procs = [...discover(root).map((p) => ({ name: p.name, dir: p.dir })), { name: 'wechat-sandbox', dir: 'tools/wechat-sandbox' }]
for (const proc of procs) {
  const hash = createHash('sha256').update(`${process.env.LOOKLOOK_NODE_IMAGE_ID}\n${proc.dir}\n`)
  const inputs = new Set(common.filter((f) => existsSync(join(root, f))))
  for (const pkg of dependencyClosure(pkgs, join(root, proc.dir))) {
    inputs.add(relative(root, join(pkg.dir, 'package.json')))
    for (const sub of SOURCE_DIRS) for (const f of files(join(pkg.dir, sub))) inputs.add(relative(root, f))
  }
  for (const f of [...inputs].sort()) hash.update(`${f}\n`).update(readFileSync(join(root, f)))
  console.log(`${proc.name} ${proc.dir} ${hash.digest('hex').slice(0, 16)}`)
}
JS
}

# k8s_project_images_build builds the process images whose recipe changed; it prints the tags it built.
k8s_project_images_build() {
  local node_id name dir recipe tag t0 t1 lock built=0
  local -a lines=()
  node_id=$("$DOCKER" image inspect --format '{{.Id}}' "$NODE_IMAGE") || die "no $NODE_IMAGE: ./looklook containers up builds it"
  mapfile -t lines < <(k8s_project_recipes "$node_id")
  [[ ${#lines[@]} -gt 0 ]] || die "listing the processes failed"
  mkdir -p "$CONTAINERS_CACHE"
  exec {lock}>"$CONTAINERS_CACHE/.process-images.lock"
  flock "$lock"
  t0=$(date +%s)
  for line in "${lines[@]}"; do
    read -r name dir recipe <<<"$line"
    tag=looklook/$name:local
    [[ $(image_recipe "$tag") == "$recipe" ]] && continue
    say "building $tag ($dir)" >&2
    t1=$(date +%s)
    printf '\n==== %s build %s\n' "$(date -u +%FT%TZ)" "$tag" >>"$K8S_PROJECT_LOG"
    DOCKER_BUILDKIT=1 "$DOCKER" build --progress=plain --target process --build-arg "NODE_IMAGE=$NODE_IMAGE" \
      --build-arg "SERVICE=$dir" --label "$RECIPE_LABEL=$recipe" --tag "$tag" "$ROOT" >>"$K8S_PROJECT_LOG" 2>&1 ||
      die "building $tag failed (data/logs/k8s-project.log)"
    say "built $tag ($(elapsed "$t1"))" >&2
    printf '%s\n' "$tag"
    built=$((built + 1))
  done
  exec {lock}>&-
  if ((built > 0)); then say "process images: $built built ($(elapsed "$t0"))" >&2; else say "process images: all ${#lines[@]} built already" >&2; fi
}

# k8s_project_import TAG... sends the images the cluster lacks, or holds in another version, in one
# `docker save`, then restarts the workloads running a replaced one. An image is compared by its id, the
# digest of its config, which an import keeps.
k8s_project_import() {
  local tag id want workload t0 ref digest
  local -a missing=() replaced=()
  local -A held=()
  while read -r ref _ digest _; do held[$ref]=$digest; done < <(k8s_ctr images ls 2>/dev/null | tail -n +2)
  for tag in "$@"; do
    want=$("$DOCKER" image inspect --format '{{.Id}}' "$tag") || die "no image $tag"
    id=
    digest=${held[docker.io/$tag]:-}
    if [[ -n $digest ]]; then
      id=$(k8s_ctr content get "$digest" 2>/dev/null | sed -n 's/.*"config":{[^}]*"digest":"\(sha256:[0-9a-f]*\)".*/\1/p')
    fi
    [[ $id == "$want" ]] && continue
    missing+=("$tag")
    [[ -n $digest ]] && replaced+=("$tag")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "the cluster holds every image already ($#)"
    return 0
  fi
  say "importing ${#missing[@]} images into the cluster: ${missing[*]}"
  t0=$(date +%s)
  "$DOCKER" save "${missing[@]}" | k8s_ctr images import - >>"$K8S_PROJECT_LOG" 2>&1 ||
    die "importing the images into the cluster's containerd failed (data/logs/k8s-project.log)"
  say "imported ${#missing[@]} images ($(elapsed "$t0"))"
  for tag in "${replaced[@]}"; do
    workload=$(k8s_image_workload "$tag")
    if [[ $workload == - ]] || ! kc get "$workload" >/dev/null 2>&1; then continue; fi
    say "restarting $workload: $tag changed"
    kc rollout restart "$workload" >/dev/null
  done
}

# k8s_image_workload TAG names the Deployment or StatefulSet that runs TAG, or "-".
k8s_image_workload() {
  local entry name
  for entry in "${K8S_INFRA_IMAGES[@]}"; do
    [[ ${entry% *} == "$1" ]] && {
      printf '%s\n' "${entry#* }"
      return 0
    }
  done
  name=${1#looklook/}
  printf 'deployment/%s\n' "${name%:local}"
}

# ---- applying the overlay --------------------------------------------------------------------------

# k8s_project_render writes the overlay rendered by the kustomize scripts/validate-deploy.sh installs.
k8s_project_render() {
  local kustomize
  kustomize=$("$ROOT/scripts/validate-deploy.sh" tools 2>>"$K8S_PROJECT_LOG" | sed -n 's/^KUSTOMIZE=//p')
  [[ -x $kustomize ]] || die "installing kustomize failed (data/logs/k8s-project.log)"
  "$kustomize" build "$K8S_PROJECT_OVERLAY" >"$K8S_PROJECT_DIR/rendered.yaml" || die "kustomize build deploy/k8s/overlays/local failed"
}

# k8s_project_secrets makes the sandbox's key set once (tools/wechat-sandbox generates it) and gives it to
# the cluster as the Secrets wechat-sandbox-keys (all of it, for the sandbox) and wechat-pay (the files
# payment-api reads, at the paths of the overlay's looklook.env).
k8s_project_secrets() {
  local dir="$K8S_PROJECT_DIR/wechat"
  (cd "$ROOT" && LOOKLOOK_KEY_DIR=$dir node --input-type=module) <<'JS' || die "generating the WeChat sandbox's key set failed"
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
const { ensureKeys } = await import(pathToFileURL(join(process.cwd(), 'tools/wechat-sandbox/src/keys.ts')).href)
await ensureKeys(process.env.LOOKLOOK_KEY_DIR, { mchId: '1900000109' })
JS
  local -a sandbox=()
  local f
  while IFS= read -r f; do sandbox+=("--from-file=${f//\//-}=$dir/$f"); done < <(cd "$dir" && find . -type f -printf '%P\n' | sort)
  kc create secret generic wechat-sandbox-keys "${sandbox[@]}" --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc create secret generic wechat-pay --from-file=apiclient_key.pem="$dir/merchant/apiclient_key.pem" \
    --from-file=serial="$dir/merchant/serial" --from-file=apiv3.key="$dir/apiv3.key" \
    --from-file=pub_key.pem="$dir/platform/pub_key.pem" --from-file=pub_key_id="$dir/platform/pub_key_id" \
    --from-file=cert.pem="$dir/platform/cert.pem" --dry-run=client -o yaml | kc apply -f - >/dev/null
}

# k8s_project_volumes makes the volumes' directories, owned by the user each workload writes as, and
# frees a volume whose claim was deleted (Released, still naming the old claim's uid), so the new claim
# of the same name binds it again.
k8s_project_volumes() {
  local entry name phase
  for entry in "${K8S_VOLUME_OWNERS[@]}"; do
    name=${entry% *}
    mkdir -p "$K8S_VOLUMES/$name"
    chown "${entry#* }" "$K8S_VOLUMES/$name"
    phase=$("$KUBECTL" get pv "looklook-$name" -o jsonpath='{.status.phase}' 2>/dev/null || true)
    if [[ $phase == Released ]]; then
      say "volume looklook-$name was released by a deleted claim: binding it again"
      "$KUBECTL" patch pv "looklook-$name" --type json -p '[{"op":"remove","path":"/spec/claimRef/uid"},{"op":"remove","path":"/spec/claimRef/resourceVersion"}]' >/dev/null
    fi
  done
}

# k8s_project_jobs prints "name hash" for each Job of the rendered overlay.
k8s_project_jobs() {
  (cd "$ROOT" && LOOKLOOK_RENDERED="$K8S_PROJECT_DIR/rendered.yaml" node --input-type=module) <<'JS'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseAllDocuments } from 'yaml'
for (const doc of parseAllDocuments(readFileSync(process.env.LOOKLOOK_RENDERED, 'utf8'))) {
  const o = doc.toJS()
  if (o?.kind === 'Job') console.log(`${o.metadata.name} ${createHash('sha256').update(JSON.stringify(o)).digest('hex').slice(0, 16)}`)
}
JS
}

K8S_SPEC_ANNOTATION=looklook.org/spec-hash

# k8s_project_jobs_replace deletes the Jobs whose rendered spec changed since they were applied (a Job's
# template is immutable), so the apply creates them anew; Jobs are marked with their spec's hash.
k8s_project_jobs_replace() {
  local name hash live
  while read -r name hash; do
    live=$(kc get job "$name" -o jsonpath="{.metadata.annotations.looklook\.org/spec-hash}" 2>/dev/null) || continue
    [[ $live == "$hash" ]] && continue
    say "job/$name changed: deleting it to run it again"
    kc delete job "$name" --wait=true --timeout=120s >/dev/null
  done < <(k8s_project_jobs)
}

k8s_project_jobs_mark() {
  local name hash
  while read -r name hash; do
    kc annotate job "$name" --overwrite "$K8S_SPEC_ANNOTATION=$hash" >/dev/null
  done < <(k8s_project_jobs)
}

# k8s_project_apply SELECTOR applies the rendered objects the label selector picks.
k8s_project_apply() {
  "$KUBECTL" apply -f "$K8S_PROJECT_DIR/rendered.yaml" --selector "$1" >>"$K8S_PROJECT_LOG" 2>&1 || {
    tail -n 20 "$K8S_PROJECT_LOG" >&2
    die "kubectl apply of deploy/k8s/overlays/local ($1) failed (data/logs/k8s-project.log)"
  }
}

# k8s_unready SELECTOR prints the workloads the selector picks that are not ready yet: a Deployment
# until all its replicas run the current template and are available, a StatefulSet until they run its
# current revision and are ready, a Job until it succeeded. A failed Job ends the wait at once.
k8s_unready() {
  local kind name gen seen want have updated ready available succeeded current update failed
  kc get deployments,statefulsets,jobs --selector "$1" -o jsonpath='{range .items[*]}{.kind}|{.metadata.name}|{.metadata.generation}|{.status.observedGeneration}|{.spec.replicas}|{.status.replicas}|{.status.updatedReplicas}|{.status.readyReplicas}|{.status.availableReplicas}|{.status.succeeded}|{.status.currentRevision}|{.status.updateRevision}|{.status.conditions[?(@.type=="Failed")].status}{"\n"}{end}' |
    while IFS='|' read -r kind name gen seen want have updated ready available succeeded current update failed; do
      case $kind in
      Deployment)
        ((${seen:-0} >= gen && ${updated:-0} == want && ${available:-0} == want && ${have:-0} == want)) || echo "deployment/$name"
        ;;
      StatefulSet)
        ((${seen:-0} >= gen && ${updated:-0} == want && ${ready:-0} == want)) && [[ $current == "$update" ]] || echo "statefulset/$name"
        ;;
      Job)
        [[ $failed == True ]] && echo "FAILED job/$name" && continue
        ((${succeeded:-0} >= 1)) || echo "job/$name"
        ;;
      esac
    done
}

# k8s_project_explain prints each pod of the namespace that is not ready, with its last events and log lines.
k8s_project_explain() {
  local pod phase ready
  kc get pods -o jsonpath='{range .items[*]}{.metadata.name}|{.status.phase}|{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    while IFS='|' read -r pod phase ready; do
      [[ $phase == Succeeded || $ready == True ]] && continue
      printf '\n--- pod %s (%s, ready %s): last events\n' "$pod" "$phase" "${ready:-?}"
      kc get events --field-selector "involvedObject.name=$pod" --sort-by=.lastTimestamp \
        -o custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message --no-headers 2>/dev/null | tail -n 5
      printf -- '--- pod %s: last log lines\n' "$pod"
      kc logs "$pod" --all-containers --tail=15 2>/dev/null || true
      kc logs "$pod" --all-containers --tail=15 --previous 2>/dev/null | sed 's/^/(previous) /' || true
    done
}

# k8s_project_wait WHAT SELECTOR waits for every workload SELECTOR picks, with a progress line every 30 s.
k8s_project_wait() {
  local what=$1 selector=$2 t0 last now
  local -a left=()
  t0=$(date +%s)
  last=$t0
  while :; do
    mapfile -t left < <(k8s_unready "$selector")
    [[ ${#left[@]} -eq 0 ]] && break
    now=$(date +%s)
    if [[ ${left[*]} == *FAILED* ]] || ((now - t0 >= K8S_PROJECT_TIMEOUT)); then
      k8s_project_explain >&2
      die "$what: not ready after $(elapsed "$t0"): ${left[*]} (pods above; kubectl -n $K8S_NAMESPACE describe for more)"
    fi
    if ((now - last >= 30)); then
      say "waiting for the $what: ${left[*]} ($(elapsed "$t0"))"
      last=$now
    fi
    sleep 3
  done
  say "ready: the $what ($(elapsed "$t0"))"
}

# k8s_project_up: images, then the overlay, then the gateway's answer through its NodePort.
k8s_project_up() {
  local t0 code i
  local -a tags=()
  t0=$(date +%s)
  mkdir -p "$K8S_PROJECT_DIR"
  ensure_dirs
  engine_up
  images_build
  k8s_project_images_build >/dev/null
  mapfile -t tags < <(printf '%s\n' "${K8S_INFRA_IMAGES[@]%% *}"
    k8s_project_recipes "$("$DOCKER" image inspect --format '{{.Id}}' "$NODE_IMAGE")" | awk '{ print "looklook/" $1 ":local" }')
  k8s_project_import "${tags[@]}"

  k8s_project_render
  kc create namespace "$K8S_NAMESPACE" --dry-run=client -o yaml | "$KUBECTL" apply -f - >/dev/null
  k8s_project_secrets
  k8s_project_volumes
  k8s_project_jobs_replace
  say "applying the infrastructure (MariaDB, Redis, Kafka, dtm, the WeChat sandbox, the schema and topics Jobs)"
  k8s_project_apply "$K8S_INFRA_SELECTOR"
  k8s_project_jobs_mark
  k8s_project_wait infrastructure "$K8S_INFRA_SELECTOR"
  say "applying the processes"
  k8s_project_apply "$K8S_APPS_SELECTOR"
  k8s_project_wait processes "$K8S_APPS_SELECTOR"

  for ((i = 0; i < 60; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$K8S_GATEWAY_URL/healthz" || true)
    [[ $code == 200 ]] && break
    sleep 1
  done
  [[ $code == 200 ]] || die "the gateway does not answer on $K8S_GATEWAY_URL/healthz (got ${code:-nothing})"
  say "the project runs on the local cluster: gateway $K8S_GATEWAY_URL ($(elapsed "$t0"))"
}

# k8s_project_status: the project's line in `./looklook k8s status`, how many of its workloads are ready.
k8s_project_status() {
  [[ -x $KUBECTL ]] && running k8s-kube-apiserver || return 0
  local total left
  total=$(kc get deployments,statefulsets,jobs --no-headers 2>/dev/null | wc -l)
  if ((total == 0)); then
    status_line "project looklook" down 30888 "not applied (./looklook k8s up)"
    return 0
  fi
  left=$(k8s_unready app.kubernetes.io/name | wc -l)
  if ((left == 0)); then
    status_line "project looklook" up 30888 "$total workloads ready, gateway $K8S_GATEWAY_URL"
  else
    status_line "project looklook" down 30888 "$left of $total workloads not ready"
  fi
}
