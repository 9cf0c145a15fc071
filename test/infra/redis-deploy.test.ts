// Redis persists in every way looklook is deployed: docker-compose-env.yml and the Kubernetes component
// deploy/k8s/components/redis (rendered by kustomize into an overlay of the base, checked by kubeconform)
// run it with an append-only file fsynced every second on a volume, never evicting.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { exec, installTools, type K8sObject, parseObjects, readYaml, root, type Tools } from '../deploy/tools.ts'

// Inside the checkout (data/ is git-ignored): kustomize loads only paths relative to the overlay.
const tmp = mkdtempSync(join(root, 'data', 'k8s-redis-'))
let tools: Tools
let objects: K8sObject[] = []
let text = ''

before(
  async () => {
    tools = installTools()
    const rel = (p: string) => join('..', '..', p)
    writeFileSync(
      join(tmp, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: looklook',
        `resources: [${rel('deploy/k8s/base')}]`,
        'configMapGenerator:',
        '  - name: looklook-env',
        '    literals: [REDIS_HOST=somewhere-else:6379, LOG_LEVEL=info]',
        `components: [${rel('deploy/k8s/components/redis')}]`,
        '',
      ].join('\n'),
    )
    const out = await exec(tools.kustomize, ['build', tmp])
    assert.equal(out.code, 0, `kustomize build: ${out.stderr}`)
    text = out.stdout
    objects = parseObjects(text)
  },
  { timeout: 900_000 },
)

after(() => rmSync(tmp, { recursive: true, force: true }))

/** The redis.conf directives as name → value. */
function directives(conf: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const line of conf.split('\n')) {
    const m = /^\s*([a-z-]+)\s+(.*?)\s*$/.exec(line)
    if (m && !line.trim().startsWith('#')) found.set(m[1]!, m[2]!)
  }
  return found
}

test('the Kubernetes Redis component is valid for every Kubernetes version checked', async () => {
  const file = join(tmp, 'rendered.yaml')
  writeFileSync(file, text)
  for (const version of tools.k8sVersions) {
    const location = join(tools.schemas, `v${version}-strict`, '{{ .ResourceKind }}{{ .KindSuffix }}.json')
    const out = await exec(tools.kubeconform, ['-strict', '-summary', '-kubernetes-version', version, '-schema-location', location, file])
    assert.equal(out.code, 0, `kubeconform ${version}: ${out.stdout}${out.stderr}`)
  }
})

test('the Kubernetes Redis keeps an fsynced AOF on a persistent volume and the processes point at it', () => {
  const set = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'redis') as
    | (K8sObject & { spec: { volumeClaimTemplates?: { metadata: { name: string } }[] } })
    | undefined
  assert.ok(set, 'a redis StatefulSet')
  const container = set.spec.template?.spec.containers[0]
  assert.ok(container)
  const claims = set.spec.volumeClaimTemplates?.map((c) => c.metadata.name) ?? []
  const data = container.volumeMounts?.find((m) => m.mountPath === '/data')
  assert.ok(data && claims.includes(data.name), '/data is a persistent volume claim')

  const confMap = set.spec.template?.spec.volumes?.find((v) => v.configMap)?.configMap?.name
  const conf = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === confMap)?.data?.['redis.conf'] ?? ''
  const d = directives(conf)
  assert.equal(d.get('appendonly'), 'yes')
  assert.equal(d.get('appendfsync'), 'everysec')
  assert.equal(d.get('dir'), '/data')
  assert.equal(d.get('maxmemory-policy'), 'noeviction')

  const env = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('looklook-env-'))
  assert.equal(env?.data?.REDIS_HOST, 'redis:6379')
  assert.ok(
    objects.some((o) => o.kind === 'Service' && o.metadata.name === 'redis' && o.spec?.ports?.some((p) => p.port === 6379)),
    'a redis Service on 6379',
  )
})

test('the compose Redis keeps an fsynced AOF on its volume', () => {
  const compose = readYaml('docker-compose-env.yml') as { services: Record<string, { command: string[]; volumes: string[] }> }
  const redis = compose.services.redis
  assert.ok(redis)
  const flag = (name: string) => redis.command[redis.command.indexOf(`--${name}`) + 1]
  assert.equal(flag('appendonly'), 'yes')
  assert.equal(flag('appendfsync'), 'everysec')
  assert.equal(flag('maxmemory-policy'), 'noeviction')
  assert.ok(
    redis.volumes.some((v) => v.endsWith(':/data')),
    'its /data is a volume',
  )
})
