// deploy/k8s, validated offline: every overlay rendered by kustomize and every object checked by
// kubeconform against the Kubernetes JSON schemas (strict: unknown fields fail), then what the
// manifests must say about each process (probes, resources, config, rpc targets, env coverage).
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { interpolate } from '@looklook/conf'
import { parse } from 'yaml'
import { discover, k8sTarget, type Process } from '../../scripts/gen-deploy.ts'
import { exec, installTools, type K8sObject, parseObjects, readEnvFile, root, type Tools } from './tools.ts'

const overlays = ['dev', 'prod'] as const
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
      assert.equal(dep.spec?.replicas, overlay === 'dev' ? 1 : 2, `${overlay}/${proc.name} replicas`)
      const pod = dep.spec!.template!.spec
      const [c] = pod.containers
      assert.ok(c)
      const metrics = c.ports?.find((p) => p.name === 'metrics')
      assert.equal(metrics?.containerPort, proc.metricsPort, `${proc.name}: metrics port`)
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'metrics' }, `${proc.name}: probe`)
      }
      assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory && c.resources.limits?.cpu && c.resources.limits.memory)
      assert.deepEqual(pod.imagePullSecrets, [{ name: 'harbor-pull-secret' }])
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
        if (overlay === 'dev' || ref.configMapRef) {
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
