// docker-compose-env.yml, docker-compose.yml, the Dockerfile and the Prometheus config they use, checked
// without Docker: compose-go (what `docker compose config` runs) loads both files, and every service,
// port, volume, build context and config path they name is checked against the repository. (On a real
// engine, with locally built images: test/containers, `./looklook containers test`.)
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parse } from 'yaml'
import { discover, type Process } from '../../scripts/gen-deploy.ts'
import { exec, installTools, readYaml, root, type Tools } from './tools.ts'

interface Service {
  image?: string
  profiles?: string[]
  build?: { context: string; target?: string; args?: Record<string, string> }
  ports?: string[]
  volumes?: string[]
  environment?: Record<string, string>
  working_dir?: string
  command?: string[] | string
  develop?: { watch: { action: string; path: string; target?: string }[] }
  networks?: string[]
  depends_on?: string[] | Record<string, unknown>
}

interface ComposeFile {
  services: Record<string, Service>
  volumes?: Record<string, unknown>
  networks?: Record<string, { name?: string; external?: boolean }>
}

const processes: Process[] = discover()
const env = readYaml('docker-compose-env.yml') as ComposeFile
const app = readYaml('docker-compose.yml') as ComposeFile
const tmp = mkdtempSync(join(tmpdir(), 'looklook-compose-'))
let tools: Tools

before(
  () => {
    tools = installTools()
  },
  { timeout: 900_000 },
)

after(() => rmSync(tmp, { recursive: true, force: true }))

/** docker-compose-env.yml with its profiles dropped, so compose-go loads and checks every service. */
function everyProfile(text = readFileSync(join(root, 'docker-compose-env.yml'), 'utf8')): string {
  const out = text.replace(/^ {4}profiles: \[[a-z, ]+\]\n/gm, '')
  assert.notEqual(out, text)
  const file = join(tmp, `every-profile-${Math.random().toString(36).slice(2)}.yml`)
  writeFileSync(file, out)
  return file
}

const PROFILES: Record<string, string[]> = {
  grafana: ['dashboards'],
  elasticsearch: ['logs'],
  kibana: ['logs'],
  'go-stash': ['logs'],
  filebeat: ['logs'],
}

/** A path inside the image (WORKDIR /app holds the repository) as a repository path. */
function inRepo(imagePath: string): string {
  assert.ok(imagePath.startsWith('/app/'), imagePath)
  return join(root, imagePath.slice('/app/'.length))
}

test('compose-go loads both files as valid Compose projects, the profiled services too', async () => {
  for (const file of ['docker-compose-env.yml', 'docker-compose.yml']) {
    const out = await exec(tools.composeCheck, [join(root, file)])
    assert.equal(out.code, 0, `${file}: ${out.stderr}`)
    const project = JSON.parse(out.stdout) as { services: Record<string, unknown> }
    const raw = file === 'docker-compose.yml' ? app : env
    const active = Object.entries(raw.services).filter(([, svc]) => svc.profiles === undefined)
    assert.deepEqual(Object.keys(project.services).sort(), active.map(([name]) => name).sort())
  }
  const all = await exec(tools.composeCheck, [everyProfile()])
  assert.equal(all.code, 0, all.stderr)
  assert.deepEqual(Object.keys((JSON.parse(all.stdout) as { services: object }).services).sort(), Object.keys(env.services).sort())
})

test('what no local image stands in for is in a profile; the core starts without it', () => {
  for (const [name, svc] of Object.entries(env.services)) assert.deepEqual(svc.profiles, PROFILES[name], name)
  for (const svc of Object.values(app.services)) assert.equal(svc.profiles, undefined)
  for (const [name, svc] of Object.entries(env.services)) {
    if (svc.profiles) continue
    const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {})
    for (const dep of deps) assert.equal(env.services[dep]?.profiles, undefined, `${name} depends on ${dep}, which is in a profile`)
  }
})

test('every image is a variable whose default is the pinned official image', () => {
  const names = new Set<string>()
  for (const [file, compose] of [
    ['docker-compose-env.yml', env],
    ['docker-compose.yml', app],
  ] as const) {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (svc.image === undefined) {
        assert.ok(svc.build, `${file} ${name}: neither image nor build`)
        continue
      }
      const m = /^\$\{([A-Z][A-Z0-9_]*_IMAGE):-([^}]+)\}$/.exec(svc.image)
      assert.ok(m, `${file} ${name}: image ${svc.image} is not \${NAME_IMAGE:-default}`)
      names.add(m[1]!)
      // A service built here names its own image; every other default is a pinned registry image.
      if (svc.build) assert.match(m[2]!, /^looklook\//, `${file} ${name}`)
      else assert.doesNotMatch(m[2]!, /:latest$|^[^:]+$/, `${file} ${name}: ${m[2]} is not pinned`)
      const nodeImage = svc.build?.args?.NODE_IMAGE
      if (svc.build?.context === '.') assert.equal(nodeImage, `\${NODE_IMAGE:-${/^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfileText())?.[1]}}`)
    }
  }
  for (const name of [
    'MYSQL_IMAGE',
    'REDIS_IMAGE',
    'KAFKA_IMAGE',
    'JAEGER_IMAGE',
    'PROMETHEUS_IMAGE',
    'NGINX_IMAGE',
    'LOOKLOOK_DEV_IMAGE',
  ]) {
    assert.ok(names.has(name), name)
  }
})

function dockerfileText(): string {
  return readFileSync(join(root, 'Dockerfile'), 'utf8')
}

test('compose-check rejects an unknown key and a dependency on a missing service', async () => {
  const text = readFileSync(join(root, 'docker-compose-env.yml'), 'utf8')
  const cases = [
    { text: text.replace('    restart: unless-stopped\n', '    restarts: unless-stopped\n'), error: /restarts/ },
    { text: text.replace('depends_on: [prometheus]', 'depends_on: [prometheus-server]'), error: /prometheus-server/ },
  ]
  for (const c of cases) {
    assert.notEqual(c.text, text)
    const out = await exec(tools.composeCheck, [everyProfile(c.text)])
    assert.equal(out.code, 1)
    assert.match(out.stderr, c.error)
  }
})

test('every bind-mounted path and build context exists in the repository', () => {
  for (const [file, compose] of [
    ['docker-compose-env.yml', env],
    ['docker-compose.yml', app],
  ] as const) {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const volume of svc.volumes ?? []) {
        const [source = ''] = volume.split(':')
        if (!source.startsWith('./')) {
          // Named volumes must be declared; absolute paths are the Docker host's own (its container logs).
          if (!source.startsWith('/')) assert.ok(compose.volumes && source in compose.volumes, `${file} ${name}: volume ${source}`)
          continue
        }
        // State lives in named volumes (`down -v` drops them), never in the checkout.
        assert.ok(!source.startsWith('./data/'), `${file} ${name}: ${source} keeps state in the checkout`)
        assert.ok(existsSync(join(root, source)), `${file} ${name}: ${source} does not exist`)
      }
      if (svc.build) {
        assert.ok(existsSync(join(root, svc.build.context)), `${file} ${name}: build context ${svc.build.context}`)
        if (svc.build.target) {
          assert.match(readFileSync(join(root, 'Dockerfile'), 'utf8'), new RegExp(`^FROM \\S+ AS ${svc.build.target}$`, 'm'))
        }
        const service = svc.build.args?.SERVICE
        if (service) assert.ok(existsSync(join(root, service, 'src/main.ts')), `${file} ${name}: SERVICE=${service}`)
      }
    }
  }
  const grafana = env.services.grafana!
  assert.ok(grafana.volumes?.some((v) => v.startsWith('./deploy/grafana/provisioning:/etc/grafana/provisioning')))
})

test('docker-compose-env.yml runs the infrastructure on the ports the project documents, on pinned images', () => {
  const want: Record<string, string[]> = {
    mysql: ['33069:3306'],
    redis: ['36379:6379'],
    kafka: ['29092:29092'],
    jaeger: ['16686:16686', '4318:4318'],
    prometheus: ['9090:9090'],
    grafana: ['3001:3000'],
    elasticsearch: ['9200:9200'],
    kibana: ['5601:5601'],
    'bull-board': ['8980:8980'],
  }
  for (const [name, ports] of Object.entries(want)) {
    const svc = env.services[name]
    assert.ok(svc, `no ${name} service`)
    for (const p of ports) assert.ok(svc.ports?.includes(p), `${name} publishes ${p}`)
  }
  for (const name of ['go-stash', 'filebeat', 'kafka-topics']) assert.ok(env.services[name], `no ${name} service`)
  for (const [name, svc] of Object.entries(env.services)) {
    if (svc.image) assert.doesNotMatch(svc.image, /:latest$|^[^:]+$/, `${name}: ${svc.image} is not pinned`)
  }
  assert.equal(env.networks?.looklook_net?.name, 'looklook_net')
  assert.equal(app.networks?.looklook_net?.external, true)
  // The topics file the init service reads is the one ./looklook up reads.
  assert.ok(env.services['kafka-topics']!.volumes?.includes('./deploy/kafka/topics.txt:/topics.txt:ro'))
})

test('docker-compose.yml runs the gateway on 8888 and every process from its folder with its container config', () => {
  const gateway = app.services['nginx-gateway']
  assert.ok(gateway, 'no nginx-gateway service')
  assert.ok(gateway.ports?.includes('8888:8888'), 'nginx-gateway publishes 8888')
  const conf = gateway.volumes?.[0]?.split(':')[0] ?? ''
  assert.match(readFileSync(join(root, conf), 'utf8'), /listen 8888;/)
  const names = new Set([...processes.map((p) => p.name), 'nginx-gateway', 'wechat-sandbox'])
  assert.deepEqual(Object.keys(app.services).sort(), [...names].sort())
  for (const proc of processes) {
    const svc = app.services[proc.name]!
    assert.equal(svc.working_dir, `/app/${proc.dir}`)
    assert.ok(existsSync(join(inRepo(svc.working_dir), 'src/main.ts')))
    assert.deepEqual(svc.command, ['node', 'src/main.ts'])
    // Compose restarts it on an edit of its own sources or those of the workspace packages it imports.
    const watch = svc.develop?.watch ?? []
    assert.ok(
      watch.some((w) => w.path === `./${proc.dir}/src`),
      `${proc.name} watches its src/`,
    )
    for (const w of watch.filter((x) => x.action === 'sync+restart')) {
      assert.equal(w.target, `/app/${w.path.slice(2)}`)
      assert.ok(existsSync(inRepo(w.target)), w.path)
    }
    const configFile = svc.environment?.CONFIG_FILE ?? ''
    const config = readFileSync(inRepo(configFile), 'utf8')
    // Every name the config requires gets a value; rpc targets name a Compose service on the rpc's port.
    for (const [, name] of config.matchAll(/\$\{([A-Z0-9_]+)\}/g)) {
      assert.ok(svc.environment?.[name!], `${proc.name} gets no ${name}`)
    }
    for (const [, name] of config.matchAll(/\$\{([A-Z0-9_]+_TARGET):-/g)) {
      const m = /^dns:\/\/\/([a-z0-9-]+):(\d+)$/.exec(svc.environment?.[name!] ?? '')
      const rpc = processes.find((p) => p.name === m?.[1])
      assert.ok(rpc && app.services[rpc.name], `${proc.name}: ${name}=${svc.environment?.[name!]}`)
      assert.equal(Number(m?.[2]), rpc.port)
    }
  }
  // Hosts in the shared environment are services of docker-compose-env.yml.
  const envHosts = Object.values(app.services['identity-api']!.environment ?? {})
    .map((v) => /^(?:[a-z]+:\/\/(?:[^@/]*@)?)?([a-z][a-z0-9-]*):\d+/.exec(v)?.[1])
    .filter((h): h is string => h !== undefined)
  assert.ok(new Set(envHosts).size >= 4, `hosts found: ${envHosts.join(' ')}`)
  for (const host of envHosts) assert.ok(env.services[host] || app.services[host], `unknown host ${host}`)
})

test('Prometheus scrapes every process at <process>:<metrics port>, and promtool accepts the file', async () => {
  const out = await exec(tools.promtool, ['check', 'config', join(root, 'deploy/prometheus/server/prometheus.yml')])
  assert.equal(out.code, 0, out.stdout + out.stderr)
  const conf = parse(readFileSync(join(root, 'deploy/prometheus/server/prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[]
  }
  for (const proc of processes) {
    const job = conf.scrape_configs.find((j) => j.job_name === proc.name)
    assert.deepEqual(job?.static_configs[0]?.targets, [`${proc.name}:${proc.metricsPort}`])
    assert.ok(app.services[proc.name], `${proc.name} is a docker-compose.yml service`)
  }
  const broken = join(tmp, 'prometheus-broken.yml')
  writeFileSync(
    broken,
    readFileSync(join(root, 'deploy/prometheus/server/prometheus.yml'), 'utf8').replace('scrape_interval: 15s', 'scrape_interval: often'),
  )
  assert.notEqual((await exec(tools.promtool, ['check', 'config', broken])).code, 0)
})

test('the Dockerfile builds one process by SERVICE and a dev image, from files that exist', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
  const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]!)
  assert.deepEqual(stages, ['base', 'dev', 'build', 'process'])
  // A `# syntax=` line makes BuildKit pull its frontend image: a build without a registry fails there.
  assert.doesNotMatch(dockerfile, /^# *syntax *=/m)
  assert.match(dockerfile, /^ARG NODE_IMAGE=\S+$/m)
  for (const [, from] of dockerfile.matchAll(/^FROM (\S+)/gm)) assert.ok(/^\$\{NODE_IMAGE\}$/.test(from!) || stages.includes(from!), from)
  for (const [, from] of dockerfile.matchAll(/--from=(\S+)/g)) assert.ok(stages.includes(from!), `COPY --from=${from}`)
  assert.match(dockerfile, /pnpm@\$\{PNPM_VERSION\}/)
  const pnpmVersion = /ARG PNPM_VERSION=(\S+)/.exec(dockerfile)?.[1]
  assert.equal(`pnpm@${pnpmVersion}`, (readYaml('package.json') as { packageManager: string }).packageManager)
  assert.match(dockerfile, /--frozen-lockfile --prod --filter "\{\.\/\$\{SERVICE\}\}\.\.\."/)
  assert.match(dockerfile, /^WORKDIR \/app\/\$\{SERVICE\}$/m)
  assert.match(dockerfile, /^USER node$/m)
  assert.match(dockerfile, /^CMD \["node", "src\/main.ts"\]$/m)
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
  for (const path of ['**/node_modules', 'data', '.tools', '.git']) assert.ok(ignored.split('\n').includes(path), `.dockerignore: ${path}`)
})
