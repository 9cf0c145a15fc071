// deploy/k8s, validated offline: every overlay rendered by kustomize and every object checked by
// kubeconform against the Kubernetes JSON schemas (strict: unknown fields fail), then what the
// manifests must say about each process (probes, resources, config, rpc targets, env coverage), what the
// local overlay adds for the cluster ./looklook k8s up runs, and scripts/k8s-deploy.sh (the Jenkinsfile's
// deploy stage) against a kubectl that only records what it is asked.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, globSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { interpolate } from '@looklook/conf'
import { parse } from 'yaml'
import { discover, k8sTarget, type Process } from '../../scripts/gen-deploy.ts'
import { exec, installTools, type K8sObject, parseObjects, readEnvFile, root, type Tools } from './tools.ts'

const overlays = ['dev', 'prod', 'local'] as const
const processes: Process[] = discover()
const tmp = mkdtempSync(join(tmpdir(), 'looklook-k8s-'))
let tools: Tools
const rendered = new Map<string, { text: string; objects: K8sObject[] }>()

before(
  async () => {
    tools = installTools()
    for (const overlay of overlays) {
      const out = await exec(tools.kustomize, ['build', join(root, 'deploy/k8s/overlays', overlay)])
      assert.equal(out.code, 0, `kustomize build ${overlay}: ${out.stderr}`)
      rendered.set(overlay, { text: out.stdout, objects: parseObjects(out.stdout) })
    }
  },
  { timeout: 900_000 },
)

after(() => rmSync(tmp, { recursive: true, force: true }))

async function kubeconform(text: string, version: string) {
  const file = join(tmp, `manifests-${version}-${Math.random().toString(36).slice(2)}.yaml`)
  writeFileSync(file, text)
  const location = join(tools.schemas, `v${version}-strict`, '{{ .ResourceKind }}{{ .KindSuffix }}.json')
  return exec(tools.kubeconform, [
    '-strict',
    '-summary',
    '-output',
    'json',
    '-kubernetes-version',
    version,
    '-schema-location',
    location,
    file,
  ])
}

function objectsOf(overlay: string): K8sObject[] {
  return rendered.get(overlay)!.objects
}

function find(overlay: string, kind: string, name: string): K8sObject | undefined {
  return objectsOf(overlay).find((o) => o.kind === kind && (o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)))
}

test('the generated deployment files are up to date with the processes and their etc yamls', async () => {
  const out = await exec(process.execPath, [join(root, 'scripts/gen-deploy.ts'), '--check'])
  assert.equal(out.code, 0, out.stderr)
  assert.ok(processes.length >= 6, `discovery found ${processes.length} processes`)
})

test('every object of every overlay is valid against the Kubernetes schemas of each checked version', async () => {
  for (const overlay of overlays) {
    for (const version of tools.k8sVersions) {
      const out = await kubeconform(rendered.get(overlay)!.text, version)
      assert.equal(out.code, 0, `${overlay} on ${version}: ${out.stdout}${out.stderr}`)
      const summary = JSON.parse(out.stdout).summary as { valid: number; invalid: number; errors: number; skipped: number }
      // Every object was checked against a schema: none skipped for a kind kubeconform did not know.
      assert.deepEqual(summary, { valid: objectsOf(overlay).length, invalid: 0, errors: 0, skipped: 0 })
    }
  }
})

test('kubeconform rejects a Deployment with a misspelt field and one with a wrong type', async () => {
  const version = tools.k8sVersions[0]!
  const good = readFileSync(join(root, 'deploy/k8s/base/order-api/deployment.yaml'), 'utf8')
  assert.equal((await kubeconform(good, version)).code, 0)
  const misspelt = good.replace('readinessProbe:', 'readinesProbe:')
  assert.notEqual(misspelt, good)
  const out = await kubeconform(misspelt, version)
  assert.equal(out.code, 1)
  assert.match(out.stdout, /readinesProbe/)
  const wrongType = await kubeconform(good.replace('replicas: 2', 'replicas: "two"'), version)
  assert.equal(wrongType.code, 1)
  assert.match(wrongType.stdout, /replicas/)
})

test('every process has a Deployment probed on /healthz of its metrics port, with resources, config and the Harbor pull secret', () => {
  for (const overlay of overlays) {
    for (const proc of processes) {
      const dep = find(overlay, 'Deployment', proc.name)
      assert.ok(dep, `${overlay}: no Deployment ${proc.name}`)
      assert.equal(dep.metadata.namespace, 'looklook')
      assert.equal(dep.spec?.replicas, overlay === 'prod' ? 2 : 1, `${overlay}/${proc.name} replicas`)
      const pod = dep.spec!.template!.spec
      const [c] = pod.containers
      assert.ok(c)
      const metrics = c.ports?.find((p) => p.name === 'metrics')
      assert.equal(metrics?.containerPort, proc.metricsPort, `${proc.name}: metrics port`)
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'metrics' }, `${proc.name}: probe`)
      }
      assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory && c.resources.limits?.cpu && c.resources.limits.memory)
      // The local cluster imports its images and pulls none.
      assert.deepEqual(pod.imagePullSecrets, overlay === 'local' ? undefined : [{ name: 'harbor-pull-secret' }])
      // CONFIG_FILE names the file the config map puts into the mounted directory.
      const configFile = c.env?.find((e) => e.name === 'CONFIG_FILE')?.value
      assert.equal(configFile, `/etc/looklook/${proc.name}.yaml`)
      const volume = pod.volumes?.find((v) => v.name === 'config')
      assert.ok(c.volumeMounts?.some((m) => m.name === 'config' && m.mountPath === '/etc/looklook'))
      const configMap = objectsOf(overlay).find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name)
      assert.ok(configMap?.data?.[`${proc.name}.yaml`], `${overlay}: the config map ${volume?.configMap?.name} of ${proc.name}`)
      // The image is the process's own, as the overlay names it.
      assert.match(c.image, new RegExp(`(^|/)looklook/${proc.name}:`))
      // envFrom references were rewritten to the generated (hash-suffixed) objects where the overlay makes them.
      for (const ref of c.envFrom ?? []) {
        const name = ref.configMapRef?.name ?? ref.secretRef?.name ?? ''
        if (overlay !== 'prod' || ref.configMapRef) {
          assert.ok(
            objectsOf(overlay).some((o) => (o.kind === 'ConfigMap' || o.kind === 'Secret') && o.metadata.name === name),
            `${overlay}: ${proc.name} reads ${name}, which the overlay does not create`,
          )
        }
      }
    }
  }
})

test('every process has a Service on its ports; rpcs are headless; apis and the gateway scale with an HPA', () => {
  const objects = objectsOf('prod')
  for (const proc of processes) {
    const svc = find('prod', 'Service', proc.name)
    assert.ok(svc, `no Service ${proc.name}`)
    assert.deepEqual(svc.spec?.selector, { 'app.kubernetes.io/name': proc.name })
    const ports = Object.fromEntries((svc.spec?.ports ?? []).map((p) => [p.name, p.port]))
    assert.equal(ports.metrics, proc.metricsPort)
    if (proc.kind === 'rpc') {
      assert.equal(svc.spec?.clusterIP, 'None')
      assert.equal(ports.grpc, proc.port)
    }
    if (proc.kind === 'api') assert.equal(ports.http, proc.port)
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === proc.name)
    if (proc.kind === 'api') {
      assert.equal(hpa?.apiVersion, 'autoscaling/v2')
      assert.deepEqual(hpa?.spec?.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: proc.name })
      assert.ok((hpa?.spec?.minReplicas ?? 0) >= 2)
    } else {
      assert.equal(hpa, undefined, `${proc.name} is no api and has no HPA`)
    }
  }
  assert.equal(find('prod', 'Service', 'nginx-gateway')?.spec?.type, 'LoadBalancer')
  for (const o of objects) {
    if (o.kind !== 'Namespace') assert.equal(o.metadata.namespace, 'looklook', `${o.kind}/${o.metadata.name}`)
  }
})

test('rpc clients dial the rpcs through Kubernetes DNS, and every config listens on all interfaces', () => {
  const rpcs = processes.filter((p) => p.kind === 'rpc')
  const services = new Set(
    objectsOf('prod')
      .filter((o) => o.kind === 'Service')
      .map((o) => o.metadata.name),
  )
  let targets = 0
  for (const proc of processes) {
    const text = readFileSync(join(root, `deploy/k8s/base/${proc.name}/${proc.name}.yaml`), 'utf8')
    assert.doesNotMatch(text, /127\.0\.0\.1|localhost/, `${proc.name}: a loopback address left in the container config`)
    // Resolved as a pod sees it: only the required names set, every default as written.
    const required = [...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!)
    const conf = parse(interpolate(text, Object.fromEntries(required.map((n) => [n, 'x'])), proc.name)) as Record<string, unknown>
    const bind = String(conf.Host ?? conf.ListenOn ?? '0.0.0.0')
    assert.match(bind, /^0\.0\.0\.0(:\d+)?$/, `${proc.name}: binds ${bind}`)
    assert.equal((conf.Prometheus as { Host: string }).Host, '0.0.0.0')
    for (const [key, value] of Object.entries(conf)) {
      const client = value as { Endpoints?: unknown; Target?: string }
      if (typeof value !== 'object' || value === null) continue
      assert.equal(client.Endpoints, undefined, `${proc.name}: ${key} still has Endpoints`)
      if (client.Target === undefined) continue
      const m = /^dns:\/\/\/([a-z0-9-]+)\.looklook\.svc\.cluster\.local:(\d+)$/.exec(client.Target)
      assert.ok(m, `${proc.name}: ${key}.Target ${client.Target}`)
      const rpc = rpcs.find((r) => r.name === m[1])
      assert.ok(rpc && services.has(rpc.name), `${proc.name}: ${key} dials ${m[1]}, which is no rpc Service`)
      assert.equal(Number(m[2]), rpc.port)
      assert.equal(client.Target, k8sTarget(rpc))
      targets++
    }
  }
  assert.ok(targets >= 4, `only ${targets} rpc clients found`)
})

test('every required NAME a container config reads is set by each overlay (env config map + secrets)', () => {
  const sources: Record<string, Set<string>> = {
    dev: new Set([
      ...readEnvFile('deploy/k8s/overlays/dev/looklook.env').keys(),
      ...readEnvFile('deploy/k8s/overlays/dev/secrets.env').keys(),
    ]),
    prod: new Set([
      ...readEnvFile('deploy/k8s/overlays/prod/looklook.env').keys(),
      ...readEnvFile('deploy/k8s/overlays/prod/secrets.env.example').keys(),
    ]),
    local: new Set([
      ...readEnvFile('deploy/k8s/overlays/local/looklook.env').keys(),
      ...readEnvFile('deploy/k8s/overlays/local/secrets.env').keys(),
    ]),
  }
  for (const proc of processes) {
    const text = readFileSync(join(root, `deploy/k8s/base/${proc.name}/${proc.name}.yaml`), 'utf8')
    for (const [, name] of text.matchAll(/\$\{([A-Z0-9_]+)\}/g)) {
      for (const [overlay, names] of Object.entries(sources)) {
        assert.ok(names.has(name!), `${overlay} sets no ${name}, which ${proc.name} needs`)
      }
    }
  }
  // The dev Secret carries exactly the keys production is told to create.
  const devSecret = [...readEnvFile('deploy/k8s/overlays/dev/secrets.env').keys()].sort()
  const prodEnv = readEnvFile('deploy/k8s/overlays/prod/looklook.env')
  const prodSecret = [...readEnvFile('deploy/k8s/overlays/prod/secrets.env.example').keys()].filter((k) => !prodEnv.has(k))
  for (const key of devSecret) assert.ok(prodSecret.includes(key), `secrets.env.example lacks ${key}`)
})

test('the overlays name an image for every process, and the Jenkinsfile offers every process', () => {
  for (const overlay of overlays) {
    const kustomization = parse(readFileSync(join(root, `deploy/k8s/overlays/${overlay}/kustomization.yaml`), 'utf8')) as {
      images: { name: string }[]
    }
    const names = kustomization.images.map((i) => i.name).sort()
    assert.deepEqual(names, processes.map((p) => `looklook/${p.name}`).sort(), `${overlay} images`)
  }
  const jenkinsfile = readFileSync(join(root, 'Jenkinsfile'), 'utf8')
  const choices = /choice\(name: 'SERVICE', choices: \[([^\]]*)\]/.exec(jenkinsfile)?.[1] ?? ''
  assert.deepEqual([...choices.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort(), processes.map((p) => p.name).sort())
})

test('the gateway routes to the apis by Service name and port, with its config from a config map', () => {
  const dep = find('prod', 'Deployment', 'nginx-gateway')
  assert.ok(dep)
  const volume = dep.spec!.template!.spec.volumes?.find((v) => v.name === 'conf')
  const cm = objectsOf('prod').find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name)
  const conf = cm?.data?.['looklook-gateway.conf'] ?? ''
  assert.match(conf, /^\s*listen 8888;/m)
  assert.match(conf, /auth_request \/auth;/)
  for (const api of processes.filter((p) => p.kind === 'api')) {
    assert.match(conf, new RegExp(`^\\s*server ${api.name}:${api.port};`, 'm'), `no upstream for ${api.name}`)
    assert.ok(find('prod', 'Service', api.name))
  }
})

// ---- the local overlay -----------------------------------------------------------------------------

interface PodContainer {
  name: string
  image: string
  imagePullPolicy?: string
  resources?: { requests?: Record<string, string> }
  env?: { name: string; value?: string }[]
}

interface Workload {
  kind: string
  metadata: { name: string; labels?: Record<string, string> }
  spec: {
    replicas?: number
    template: {
      spec: { enableServiceLinks?: boolean; containers: PodContainer[]; volumes?: { name: string; configMap?: { name: string } }[] }
    }
    volumeClaimTemplates?: {
      metadata: { name: string }
      spec: { storageClassName?: string; resources: { requests: { storage: string } } }
    }[]
  }
}

interface Volume {
  metadata: { name: string }
  spec: {
    storageClassName: string
    claimRef: { namespace: string; name: string }
    hostPath: { path: string }
    capacity: { storage: string }
  }
}

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'Job'])

function local<T>(kind: string): T[] {
  return objectsOf('local').filter((o) => o.kind === kind) as unknown as T[]
}

function workloads(): Workload[] {
  return objectsOf('local').filter((o) => workloadKinds.has(o.kind)) as unknown as Workload[]
}

/** The images `./looklook containers up` builds (deploy/containers), the ones the infrastructure runs on. */
const baseImages = ['looklook/mariadb:10.11', 'looklook/redis:7', 'looklook/kafka:4.1', 'looklook/dtm:1.19', 'looklook/nginx:1.22']

test('local: every workload runs a locally built image that is never pulled, each process its own looklook/<process>:local', () => {
  const all = workloads()
  assert.ok(all.length >= processes.length + 7, `${all.length} workloads`)
  for (const w of all) {
    for (const c of w.spec.template.spec.containers) {
      assert.equal(c.imagePullPolicy, 'Never', `${w.kind}/${w.metadata.name}`)
      assert.ok(
        /^looklook\/[a-z0-9-]+:local$/.test(c.image) || baseImages.includes(c.image),
        `${w.kind}/${w.metadata.name} runs ${c.image}`,
      )
    }
    // No <SERVICE>_PORT variables: KAFKA_PORT would become a broker property, WECHAT_SANDBOX_PORT the sandbox's port.
    assert.equal(w.spec.template.spec.enableServiceLinks, false, `${w.kind}/${w.metadata.name} has service links`)
  }
  for (const proc of [...processes.map((p) => p.name), 'wechat-sandbox']) {
    const dep = all.find((w) => w.kind === 'Deployment' && w.metadata.name === proc)
    assert.equal(dep?.spec.template.spec.containers[0]?.image, `looklook/${proc}:local`)
  }
  assert.equal(all.find((w) => w.metadata.name === 'nginx-gateway')?.spec.template.spec.containers[0]?.image, 'looklook/nginx:1.22')
})

test('local: one replica each, 10m of CPU requested by rpcs and workers, 50m by the apis and the gateway, HPAs from 1 to 2 with 30 s windows', () => {
  for (const w of workloads().filter((w) => w.kind === 'Deployment')) {
    assert.equal(w.spec.replicas, 1, w.metadata.name)
    const component = w.metadata.labels?.['app.kubernetes.io/component']
    if (component === undefined) continue
    const cpu = w.spec.template.spec.containers[0]?.resources?.requests?.cpu
    assert.equal(cpu, component === 'api' || component === 'gateway' ? '50m' : '10m', `${w.metadata.name} (${component})`)
  }
  const hpas = local<{ metadata: { name: string }; spec: Record<string, unknown> }>('HorizontalPodAutoscaler')
  assert.deepEqual(
    hpas.map((h) => h.metadata.name).sort(),
    ['nginx-gateway', ...processes.filter((p) => p.kind === 'api').map((p) => p.name)].sort(),
  )
  for (const h of hpas) {
    assert.equal(h.spec.minReplicas, 1)
    assert.equal(h.spec.maxReplicas, 2)
    assert.deepEqual(
      h.spec.behavior,
      { scaleUp: { stabilizationWindowSeconds: 30 }, scaleDown: { stabilizationWindowSeconds: 30 } },
      h.metadata.name,
    )
  }
})

test('local: MariaDB, Kafka and Redis keep their data on host volumes bound to their claims; the gateway and the sandbox are NodePorts', () => {
  const volumes = local<Volume>('PersistentVolume')
  const sets = workloads().filter((w) => w.kind === 'StatefulSet')
  assert.deepEqual(sets.map((s) => s.metadata.name).sort(), ['kafka', 'mariadb', 'redis'])
  for (const set of sets) {
    const [claim] = set.spec.volumeClaimTemplates ?? []
    assert.ok(claim, `${set.metadata.name} has a claim template`)
    assert.equal(claim.spec.storageClassName, 'looklook-local')
    // A StatefulSet's claim is <template>-<set>-<ordinal>.
    const name = `${claim.metadata.name}-${set.metadata.name}-0`
    const bound = volumes.filter((v) => v.spec.claimRef.name === name)
    assert.equal(bound.length, 1, `one volume for ${name}`)
    const v = bound[0]!
    assert.deepEqual(v.spec.claimRef, { namespace: 'looklook', name })
    assert.equal(v.spec.storageClassName, 'looklook-local')
    assert.equal(v.spec.hostPath.path, `/var/lib/looklook/k8s-volumes/${set.metadata.name}`)
    assert.equal(v.spec.capacity.storage, claim.spec.resources.requests.storage)
  }
  assert.equal(volumes.length, sets.length)
  const nodePorts = Object.fromEntries(
    objectsOf('local')
      .filter((o) => o.kind === 'Service' && o.spec?.type === 'NodePort')
      .map((o) => [o.metadata.name, (o.spec?.ports as { nodePort?: number }[] | undefined)?.map((p) => p.nodePort)]),
  )
  assert.deepEqual(nodePorts, { 'nginx-gateway': [30888], 'wechat-sandbox': [30960] })
})

test('local: the schema Job applies every deploy/sql and deploy/dtm file in order, the topics Job deploy/kafka/topics.txt', () => {
  const schema = workloads().find((w) => w.kind === 'Job' && w.metadata.name === 'mysql-schema')
  const volume = schema?.spec.template.spec.volumes?.find((v) => v.configMap)
  const cm = objectsOf('local').find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name)
  assert.ok(cm?.data, 'the schema Job mounts a ConfigMap the overlay creates')
  const sources = [...globSync('deploy/sql/*.sql', { cwd: root }).sort(), ...globSync('deploy/dtm/*.sql', { cwd: root }).sort()]
  const keys = Object.keys(cm.data).sort()
  assert.equal(keys.length, sources.length)
  sources.forEach((source, i) => {
    const copy = cm.data![keys[i]!]!
    assert.ok(copy.endsWith(readFileSync(join(root, source), 'utf8')), `${keys[i]} is ${source}`)
    assert.match(copy, new RegExp(`^-- Copy of ${source.replaceAll('.', '\\.')} `))
  })
  const topics = workloads().find((w) => w.kind === 'Job' && w.metadata.name === 'kafka-topics')
  const topicsCm = objectsOf('local').find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === topics?.spec.template.spec.volumes?.find((v) => v.configMap)?.configMap?.name,
  )
  assert.ok(topicsCm?.data?.['topics.txt']?.endsWith(readFileSync(join(root, 'deploy/kafka/topics.txt'), 'utf8')))
})

test('local: the processes reach MariaDB, Redis, Kafka, dtm and the sandbox by the Service names the overlay runs them under', () => {
  const services = new Set(
    objectsOf('local')
      .filter((o) => o.kind === 'Service')
      .map((o) => o.metadata.name),
  )
  const env = objectsOf('local').find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('looklook-env-'))?.data ?? {}
  const secrets = readEnvFile('deploy/k8s/overlays/local/secrets.env')
  const hosts: [string, string][] = [
    ['REDIS_HOST', env.REDIS_HOST ?? ''],
    ['KAFKA_BROKERS', env.KAFKA_BROKERS ?? ''],
    ['DTM_SERVER', env.DTM_SERVER ?? ''],
    ['DTM_HTTP_SERVER', new URL(env.DTM_HTTP_SERVER ?? 'x:').host],
    ['WECHAT_MINI_BASE_URL', new URL(env.WECHAT_MINI_BASE_URL ?? 'x:').host],
    ['WECHAT_PAY_BASE_URL', new URL(env.WECHAT_PAY_BASE_URL ?? 'x:').host],
    ...[...secrets].filter(([k]) => k.endsWith('_DB')).map(([k, v]): [string, string] => [k, new URL(v).host]),
  ]
  for (const [name, hostPort] of hosts) {
    const host = hostPort.split(':')[0]!
    assert.ok(services.has(host), `${name}=${hostPort}: no Service ${host}`)
  }
})

// ---- scripts/k8s-deploy.sh ---------------------------------------------------------------------------

/** A kubectl that appends each call's arguments to calls.log, keeps each applied file and answers gets. */
function fakeKubectl(dir: string): string {
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  writeFileSync(
    join(bin, 'kubectl'),
    `#!/bin/bash
printf '%s\\n' "$*" >>"${dir}/calls.log"
case " $* " in
*" get hpa "*) [[ -n \${FAKE_HPA:-} ]] ;;
*" get deployment "*) printf '%s' "\${FAKE_REPLICAS:-1}" ;;
*" apply "*)
  while [[ $# -gt 0 && $1 != -f ]]; do shift; done
  cp "$2" "${dir}/applied-$(ls "${dir}" | grep -c '^applied-').yaml" ;;
*" rollout status "*) exit "\${FAKE_ROLLOUT_RC:-0}" ;;
esac
`,
  )
  chmodSync(join(bin, 'kubectl'), 0o755)
  return bin
}

async function deploy(args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmp, 'deploy-'))
  const bin = fakeKubectl(dir)
  const script = join(root, 'scripts/k8s-deploy.sh')
  const out = await new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(script, args, { cwd: root, env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}` } })
    let output = ''
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString()
    })
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
  const calls = readFileSync(join(dir, 'calls.log'), { encoding: 'utf8', flag: 'a+' }).trim().split('\n').filter(Boolean)
  const applied = readdirSync(dir)
    .filter((f) => f.startsWith('applied-'))
    .sort()
    .map((f) => parseObjects(readFileSync(join(dir, f), 'utf8')))
  return { ...out, calls, applied }
}

function imageOf(objects: K8sObject[], name: string): string | undefined {
  return objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)?.spec?.template?.spec.containers[0]?.image
}

test('k8s-deploy.sh: the shared objects, then the process, then a 5-minute rollout wait, with only that process on the new image', async () => {
  const r = await deploy(['prod', 'travel-api', 'harbor.looklook.internal/looklook/travel-api:1a2b3c4'])
  assert.equal(r.code, 0, r.output)
  const applies = r.calls.filter((c) => c.startsWith('apply '))
  assert.equal(applies.length, 2, r.calls.join('\n'))
  assert.match(applies[0]!, /^apply -f \S+ --selector !app\.kubernetes\.io\/name$/)
  assert.match(applies[1]!, /^apply -f \S+ --selector app\.kubernetes\.io\/name=travel-api$/)
  assert.equal(r.calls.at(-1), '--namespace looklook rollout status deployment/travel-api --timeout=5m')
  assert.ok(r.calls.indexOf(applies[1]!) < r.calls.length - 1, 'the rollout is awaited after the apply')
  // Both applies get the whole rendered prod overlay: kubectl's selector picks from it.
  const [shared, own] = r.applied
  assert.deepEqual(shared, own)
  assert.equal(imageOf(own!, 'travel-api'), 'harbor.looklook.internal/looklook/travel-api:1a2b3c4')
  assert.equal(imageOf(own!, 'travel-rpc'), 'harbor.looklook.internal/looklook/travel-rpc:latest')
  assert.equal(own!.length, objectsOf('prod').length)
})

test('k8s-deploy.sh on the local overlay keeps the replica count of an autoscaled process', async () => {
  const r = await deploy(['local', 'travel-api', 'looklook/travel-api:rollout-1'], { FAKE_HPA: '1', FAKE_REPLICAS: '2' })
  assert.equal(r.code, 0, r.output)
  const own = r.applied[1]!
  const dep = own.find((o) => o.kind === 'Deployment' && o.metadata.name === 'travel-api')
  assert.equal(dep?.spec?.replicas, 2)
  assert.equal(imageOf(own, 'travel-api'), 'looklook/travel-api:rollout-1')
  assert.equal(imageOf(own, 'usercenter-api'), 'looklook/usercenter-api:local')
  assert.equal(own.find((o) => o.kind === 'Deployment' && o.metadata.name === 'usercenter-api')?.spec?.replicas, 1)
  // Without an HPA the overlay's count holds.
  const plain = await deploy(['local', 'travel-rpc', 'looklook/travel-rpc:rollout-1'], { FAKE_REPLICAS: '3' })
  assert.equal(plain.code, 0, plain.output)
  assert.equal(plain.applied[1]!.find((o) => o.kind === 'Deployment' && o.metadata.name === 'travel-rpc')?.spec?.replicas, 1)
})

test('k8s-deploy.sh refuses an unknown process or overlay before touching the cluster, and fails with a failed rollout', async () => {
  for (const args of [
    ['prod', 'no-such-api', 'harbor.looklook.internal/looklook/no-such-api:1'],
    ['staging', 'travel-api', 'x/travel-api:1'],
    ['prod', 'travel-api', 'not an image'],
  ]) {
    const r = await deploy(args)
    assert.notEqual(r.code, 0, args.join(' '))
    assert.deepEqual(r.calls, [], `${args.join(' ')}: ${r.output}`)
  }
  const failed = await deploy(['prod', 'order-api', 'harbor.looklook.internal/looklook/order-api:2'], { FAKE_ROLLOUT_RC: '1' })
  assert.notEqual(failed.code, 0)
  assert.match(failed.calls.at(-1) ?? '', /rollout status deployment\/order-api/)
  assert.doesNotMatch(failed.output, /order-api runs/)
})
