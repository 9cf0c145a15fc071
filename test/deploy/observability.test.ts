// Grafana provisioning and dashboards, the filebeat → Kafka → go-stash log pipeline and the Jenkinsfile,
// checked against what the code really does: the metric names the framework registers, the fields the
// logger writes, the scripts and paths the pipeline calls.
import assert from 'node:assert/strict'
import { existsSync, globSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { stringify } from 'yaml'
import { createLogger } from '../../common/logx/src/index.ts'
import { exec, installTools, readYaml, root, type Tools } from './tools.ts'

interface Target {
  refId: string
  expr: string
  datasource?: { uid: string }
}

interface Panel {
  id: number
  type: string
  title: string
  datasource?: { type: string; uid: string }
  targets?: Target[]
}

interface Dashboard {
  uid: string
  title: string
  panels: Panel[]
  templating: { list: { name: string; query: { query: string }; datasource?: { uid: string } }[] }
}

const tmp = mkdtempSync(join(tmpdir(), 'looklook-obs-'))
const dashboards = globSync('deploy/grafana/dashboards/*.json', { cwd: root })
  .sort()
  .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(root, file), 'utf8')) as Dashboard }))
let tools: Tools

before(
  () => {
    tools = installTools()
  },
  { timeout: 900_000 },
)

after(() => rmSync(tmp, { recursive: true, force: true }))

/** The names the framework's registry exposes: @looklook/metrics plus every common/<pkg>/src/metrics.ts that adds to it. */
async function registeredNames(): Promise<Set<string>> {
  const { registry } = (await import(
    pathToFileURL(join(root, 'common/metrics/src/index.ts')).href
  )) as typeof import('../../common/metrics/src/index.ts')
  for (const file of globSync('common/*/src/metrics.ts', { cwd: root })) await import(pathToFileURL(join(root, file)).href)
  const names = new Set<string>()
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name)
    // prom-client's MetricType enum holds the type names as strings.
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix)
  }
  return names
}

/** A panel query as Prometheus sees it once Grafana has put in its variables. */
function expand(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replace(/\$\{?[a-z_]+\}?/g, '.*')
}

const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'rate',
  'by',
  'without',
  'histogram_quantile',
  'le',
  'label_values',
  'on',
  'count',
])

function metricNames(expr: string): string[] {
  // Identifiers followed by { or [ are series selectors; label matchers inside {} are skipped.
  const withoutMatchers = expr.replace(/\{[^}]*\}/g, '{}')
  return [...withoutMatchers.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)].map((m) => m[1]!).filter((n) => !PROMQL_WORDS.has(n))
}

test('Grafana provisions the Prometheus datasource by uid and loads dashboards from where Compose mounts them', () => {
  const ds = readYaml('deploy/grafana/provisioning/datasources/prometheus.yaml') as {
    datasources: { uid: string; type: string; url: string }[]
  }
  assert.deepEqual(
    ds.datasources.map((d) => [d.uid, d.type, d.url]),
    [['looklook-prometheus', 'prometheus', 'http://prometheus:9090']],
  )
  const providers = readYaml('deploy/grafana/provisioning/dashboards/looklook.yaml') as { providers: { options: { path: string } }[] }
  const compose = readYaml('docker-compose-env.yml') as {
    services: Record<string, { volumes: string[]; environment: Record<string, string> }>
  }
  const grafana = compose.services.grafana!
  const mount = grafana.volumes.find((v) => v.startsWith('./deploy/grafana/dashboards:'))
  assert.equal(mount?.split(':')[1], providers.providers[0]?.options.path)
  const home = grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? ''
  assert.ok(existsSync(join(root, 'deploy/grafana/dashboards', home.split('/').pop()!)), home)
})

test('every dashboard panel queries the provisioned datasource, with unique dashboard uids', () => {
  assert.ok(dashboards.length >= 3)
  assert.equal(new Set(dashboards.map((d) => d.dashboard.uid)).size, dashboards.length)
  for (const { file, dashboard } of dashboards) {
    const ids = dashboard.panels.map((p) => p.id)
    assert.equal(new Set(ids).size, ids.length, `${file}: panel ids repeat`)
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      assert.equal(panel.datasource?.uid, 'looklook-prometheus', `${file}: ${panel.title}`)
      assert.ok(panel.targets && panel.targets.length > 0, `${file}: ${panel.title} has no query`)
      for (const t of panel.targets) assert.equal(t.datasource?.uid ?? panel.datasource.uid, 'looklook-prometheus')
    }
    for (const v of dashboard.templating.list) assert.equal(v.datasource?.uid, 'looklook-prometheus')
  }
})

test('dashboards query only metrics the framework registers, and cover routes, rpcs, consumer lag and queue depth', async () => {
  const registered = await registeredNames()
  const used = new Set<string>()
  for (const { file, dashboard } of dashboards) {
    const exprs = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.query.query.replace(/^label_values\(/, '').replace(/, *\w+\)$/, '')),
    ]
    for (const expr of exprs) {
      for (const name of metricNames(expr)) {
        used.add(name)
        if (name !== 'up') assert.ok(registered.has(name), `${file}: ${name} is not a registered metric (${expr})`)
      }
    }
  }
  for (const name of [
    'http_server_requests_duration_ms_bucket',
    'http_server_requests_code_total',
    'rpc_server_requests_duration_ms_bucket',
    'rpc_server_requests_code_total',
    'rpc_client_requests_duration_ms_bucket',
    'rpc_client_requests_code_total',
    'kafka_consumer_lag',
    'bullmq_queue_depth',
  ]) {
    assert.ok(used.has(name), `no dashboard shows ${name}`)
  }
  // The latency panels are per route and per method.
  const all = dashboards.flatMap((d) => d.dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)))
  assert.ok(all.some((e) => /histogram_quantile\(0\.95, sum by \(le, job, path\) \(rate\(http_server_requests_duration_ms_bucket/.test(e)))
  assert.ok(all.some((e) => /histogram_quantile\(0\.95, sum by \(le, method\) \(rate\(rpc_server_requests_duration_ms_bucket/.test(e)))
})

test('every dashboard query is PromQL that promtool parses, and a broken one is refused', async () => {
  const rules = dashboards.flatMap(({ dashboard }) =>
    dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ record: `looklook:${dashboard.uid}:${p.id}:${t.refId}`.replaceAll('-', '_'), expr: expand(t.expr) })),
    ),
  )
  const good = join(tmp, 'dashboards.rules.yml')
  writeFileSync(good, stringify({ groups: [{ name: 'dashboards', rules }] }))
  const out = await exec(tools.promtool, ['check', 'rules', good])
  assert.equal(out.code, 0, out.stdout + out.stderr)
  const bad = join(tmp, 'broken.rules.yml')
  writeFileSync(
    bad,
    stringify({ groups: [{ name: 'broken', rules: [{ record: 'looklook:broken', expr: 'sum by (path (rate(x[1m]))' }] }] }),
  )
  assert.notEqual((await exec(tools.promtool, ['check', 'rules', bad])).code, 0)
})

test('filebeat and go-stash name the fields the logger writes and the Kafka topic the project creates', () => {
  const lines: string[] = []
  const logger = createLogger({ service: 'deploy-test', level: 'debug', destination: { write: (s: string) => lines.push(s) } })
  logger.warn({ duration: '1.0ms' }, 'slow call')
  logger.debug('detail')
  const warn = JSON.parse(lines[0]!) as Record<string, unknown>
  const written = new Set([...Object.keys(warn), 'trace', 'span'])
  for (const field of ['@timestamp', 'level', 'content', 'caller', 'duration', 'service'])
    assert.ok(field in warn, `the logger writes no ${field}`)

  const filebeat = readYaml('deploy/filebeat/conf/filebeat.yml') as {
    processors: Record<string, { fields?: string[]; target?: string; when?: { has_fields: string[] } }>[]
    'output.kafka': { topic: string; hosts: string[] }
  }
  const decode = filebeat.processors.find((p) => p.decode_json_fields)?.decode_json_fields
  assert.deepEqual(decode?.fields, ['message'])
  assert.equal(decode?.target, '')
  const drop = filebeat.processors.find((p) => p.drop_fields)?.drop_fields
  for (const f of drop?.when?.has_fields ?? []) assert.ok(written.has(f), `filebeat tests for ${f}, which the logger never writes`)
  const topics = readFileSync(join(root, 'deploy/kafka/topics.txt'), 'utf8')
  assert.match(topics, new RegExp(`^${filebeat['output.kafka'].topic} `, 'm'))

  const stash = readYaml('deploy/go-stash/etc/config.yaml') as {
    Clusters: {
      Input: { Kafka: { Topics: string[]; Brokers: string[] } }
      Filters: { Action: string; Conditions?: { Key: string; Value: string }[] }[]
      Output: { ElasticSearch: { Hosts: string[]; Index: string } }
    }[]
  }
  const cluster = stash.Clusters[0]!
  assert.deepEqual(cluster.Input.Kafka.Topics, [filebeat['output.kafka'].topic])
  for (const filter of cluster.Filters) {
    for (const c of filter.Conditions ?? []) {
      assert.ok(written.has(c.Key), `go-stash filters on ${c.Key}, which the logger never writes`)
      // The level values are the words the logger writes.
      if (c.Key === 'level') assert.ok(lines.some((l) => (JSON.parse(l) as { level: string }).level === c.Value))
    }
  }
  const compose = readYaml('docker-compose-env.yml') as { services: Record<string, unknown> }
  for (const url of [...filebeat['output.kafka'].hosts, ...cluster.Input.Kafka.Brokers, ...cluster.Output.ElasticSearch.Hosts]) {
    const host = url.replace(/^https?:\/\//, '').split(':')[0]!
    assert.ok(compose.services[host], `${url}: no such service in docker-compose-env.yml`)
  }
  assert.match(cluster.Output.ElasticSearch.Index, /^looklook-\{\{yyyy-MM-dd\}\}$/)
})

test('the Jenkinsfile runs checkout → test → validate → build → push → deploy with scripts and paths that exist', () => {
  const jenkinsfile = readFileSync(join(root, 'Jenkinsfile'), 'utf8')
  const stages = [...jenkinsfile.matchAll(/stage\('([^']+)'\)/g)].map((m) => m[1])
  assert.deepEqual(stages, ['Checkout', 'Test', 'Validate deploy files', 'Build image', 'Push to Harbor', 'Deploy to Kubernetes'])
  for (const path of [
    'looklook',
    'scripts/validate-deploy.sh',
    'scripts/k8s-deploy.sh',
    'Dockerfile',
    'deploy/k8s/overlays/prod/kustomization.yaml',
  ]) {
    assert.ok(existsSync(join(root, path)), path)
  }
  assert.match(jenkinsfile, /sh '\.\/looklook test'/)
  assert.match(jenkinsfile, /sh 'scripts\/validate-deploy\.sh check'/)
  // The deploy stage is scripts/k8s-deploy.sh on the prod overlay (test/deploy/k8s.test.ts runs it), with the
  // kustomize binary the validate stage installed.
  assert.match(jenkinsfile, /sh 'scripts\/k8s-deploy\.sh prod "\$\{SERVICE\}" "\$\{IMAGE\}"'/)
  const deploy = readFileSync(join(root, 'scripts/k8s-deploy.sh'), 'utf8')
  assert.match(deploy, /scripts\/validate-deploy\.sh" tools \| sed -n 's\/\^KUSTOMIZE=\/\/p'/)
  assert.match(
    readFileSync(join(root, 'scripts/validate-deploy.sh'), 'utf8'),
    /go_install "\$KUSTOMIZE_MODULE" "\$KUSTOMIZE_VERSION" kustomize/,
  )
  assert.match(jenkinsfile, /docker build --pull --build-arg SERVICE="\$\{SERVICE_DIR\}" --target process/)
  assert.match(readFileSync(join(root, 'Dockerfile'), 'utf8'), /^FROM \S+ AS process$/m)
  // The deploy script takes a SERVICE the overlay's images list names (every process, Jenkinsfile's choices).
  assert.match(deploy, /grep -q "\^ {2}- name: looklook\/\$service\\\$"/)
  // Credentials the pipeline names are the ones the docs tell the operator to create.
  const docs = readFileSync(join(root, 'doc/harbor.md'), 'utf8') + readFileSync(join(root, 'doc/k8s.md'), 'utf8')
  for (const [, id] of jenkinsfile.matchAll(/credentialsId: '([^']+)'/g)) assert.ok(docs.includes(id!), `no doc names the credential ${id}`)
  // The pull secret the Deployments name is the one doc/harbor.md creates.
  assert.match(docs, /kubectl -n looklook create secret docker-registry harbor-pull-secret/)
})
