// ./looklook new, in a scratch copy of the repository: a new domain passes gen --check, biome and tsc
// at once, and its own tests pass against the running stack. The copy's new rpc and api (and its
// identity-api, which knows the new public route) run on spare ports, its SQL goes into the shared
// MariaDB under the domain's unique database (dropped at the end), and a private nginx built from the
// copy's rendered gateway conf stands in for the gateway on :8888. Then `new route` and `new rpc`
// output compiles too.
import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { sparePort } from '@looklook/testkit'
import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import { type Scratch, scratchCopy } from './scratch.ts'

const run = promisify(execFile)
// Lower-case letters only, so the database, env names and packages it makes are unique per run.
const name = `nt${[...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`
const NAME = name.toUpperCase()
const db = `looklook_${name}`
// The project user may create and drop looklook_* databases (scripts/mysql.sh).
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'looklook', password: 'looklook' }

let scratch: Scratch
const children: ChildProcess[] = []

/** Runs a command in the copy; on failure the assertion names it with its output. */
async function inCopy(cmd: string, args: string[], env: Record<string, string> = {}, timeout = 240_000): Promise<string> {
  try {
    // A node --test child of this runner would report to it instead of printing (NODE_TEST_CONTEXT).
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env
    const { stdout } = await run(cmd, args, { cwd: scratch.dir, env: { ...inherited, ...env }, timeout, maxBuffer: 16 << 20 })
    return stdout
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    assert.fail(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
  }
}

function start(label: string, cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): ChildProcess {
  mkdirSync(join(scratch.dir, 'data', 'logs'), { recursive: true })
  const log = openSync(join(scratch.dir, 'data', 'logs', `${label}.log`), 'a')
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', log, log] })
  children.push(child)
  return child
}

async function ready(label: string, url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await res.body?.cancel()
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await sleep(200)
  }
  const log = readFileSync(join(scratch.dir, 'data', 'logs', `${label}.log`), 'utf8')
  assert.fail(`${label} not ready at ${url}:\n${log.slice(-3000)}`)
}

/** A process's etc yaml in the copy with its Prometheus port moved to `port` (the shared one is taken). */
function moveMetricsPort(etc: string, port: number): void {
  const path = join(scratch.dir, etc)
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^(Prometheus:\n(?: {2}.*\n)*? {2}Port: )\S+$/m, `$1${port}`))
}

before(() => {
  scratch = scratchCopy('looklook-new-')
})

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          const timer = setTimeout(() => {
            child.kill('SIGKILL')
            resolve()
          }, 10_000)
          child.once('exit', () => {
            clearTimeout(timer)
            resolve()
          })
        }),
    ),
  )
  const conn = await mysql.createConnection(MARIADB)
  await conn.query(`DROP DATABASE IF EXISTS \`${db}\``)
  await conn.end()
  // The rows the tests read were cached under the domain's prefix.
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  const camel = `looklook${name[0]!.toUpperCase()}${name.slice(1)}`
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `cache:${camel}:*`, 'COUNT', 500)
    if (keys.length > 0) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
  redis.disconnect()
  scratch?.remove()
})

test('new domain writes a domain that passes gen --check, biome and tsc at once', { timeout: 600_000 }, async () => {
  const out = await inCopy(process.execPath, ['scripts/new.ts', 'domain', name, '--no-install'])
  assert.match(out, new RegExp(`wrote app/${name}/api/src/routes/item.ts`))
  assert.match(out, /wrote deploy\/sql\/\d{3}-/)
  // The registry gave it the next domain number's ports.
  const conf = readFileSync(join(scratch.dir, `app/${name}/api/etc/${name}-api.yaml`), 'utf8')
  assert.match(conf, /Port: \$\{\w+_API_PORT:-80\d\d\}/)
  assert.doesNotMatch(conf, /Port: \$\{\w+_API_PORT:-800[1-5]\}/, 'a port an existing api has')
  // Registered everywhere ./looklook gen renders from the registry.
  assert.match(readFileSync(join(scratch.dir, 'app/identity/api/etc/identity-api.yaml'), 'utf8'), new RegExp(`- /${name}/v1/item/detail`))
  assert.match(readFileSync(join(scratch.dir, 'deploy/nginx/conf.d/looklook-gateway.conf'), 'utf8'), new RegExp(`location /${name}/ \\{`))
  assert.match(readFileSync(join(scratch.dir, 'docker-compose.yml'), 'utf8'), new RegExp(`^ {2}${name}-rpc:$`, 'm'))
  assert.match(readFileSync(join(scratch.dir, 'deploy/prometheus/server/prometheus.yml'), 'utf8'), new RegExp(`job_name: ${name}-api`))
  assert.ok(readdirSync(join(scratch.dir, 'deploy/k8s/base')).includes(`${name}-rpc`))
  assert.match(
    readFileSync(join(scratch.dir, 'doc/architecture.md'), 'utf8'),
    new RegExp(`^\\| ${name}-rpc \\| \`app/${name}/rpc/\` \\| gRPC \\| 90\\d\\d \\| 41\\d\\d \\|$`, 'm'),
  )

  await inCopy(process.execPath, ['scripts/gen.ts', '--check'])
  await inCopy(join(scratch.dir, 'node_modules/.bin/biome'), ['check', `app/${name}`])
  await inCopy(join(scratch.dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'])
})

test("the new domain's own tests pass against the running stack, through a gateway built from its conf", { timeout: 300_000 }, async () => {
  const sql = readdirSync(join(scratch.dir, 'deploy/sql')).find((f) => f.endsWith(`-${name}.sql`))
  assert.ok(sql, 'the domain has its SQL file')
  const conn = await mysql.createConnection({ ...MARIADB, multipleStatements: true })
  await conn.query(readFileSync(join(scratch.dir, 'deploy/sql', sql), 'utf8'))
  await conn.end()

  const ports = { rpc: await sparePort(), rpcMetrics: await sparePort(), api: await sparePort(), apiMetrics: await sparePort() }
  const identity = { api: await sparePort(), metrics: await sparePort() }
  const gateway = await sparePort()
  moveMetricsPort(`app/${name}/rpc/etc/${name}-rpc.yaml`, ports.rpcMetrics)
  moveMetricsPort(`app/${name}/api/etc/${name}-api.yaml`, ports.apiMetrics)
  moveMetricsPort('app/identity/api/etc/identity-api.yaml', identity.metrics)

  const rpc = start(`${name}-rpc`, process.execPath, ['src/main.ts'], join(scratch.dir, `app/${name}/rpc`), {
    [`${NAME}_RPC_LISTEN`]: `127.0.0.1:${ports.rpc}`,
  })
  const api = start(`${name}-api`, process.execPath, ['src/main.ts'], join(scratch.dir, `app/${name}/api`), {
    [`${NAME}_API_PORT`]: String(ports.api),
    [`${NAME}_RPC_ENDPOINT`]: `127.0.0.1:${ports.rpc}`,
  })
  // The shared identity-api does not know the new public route: the copy's does, with the same token store.
  const verifier = start('identity-api', process.execPath, ['src/main.ts'], join(scratch.dir, 'app/identity/api'), {
    IDENTITY_API_PORT: String(identity.api),
  })
  await ready(`${name}-rpc`, `http://127.0.0.1:${ports.rpcMetrics}/healthz`, rpc)
  await ready(`${name}-api`, `http://127.0.0.1:${ports.apiMetrics}/healthz`, api)
  await ready('identity-api', `http://127.0.0.1:${identity.metrics}/healthz`, verifier)

  // Straight to the api, with x-user set as the gateway sets it.
  const direct = (path: string, body: unknown, user?: number) =>
    fetch(`http://127.0.0.1:${ports.api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(user === undefined ? {} : { 'x-user': String(user) }) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    })
  const created = await direct(`/${name}/v1/item/create`, { title: 'straight' }, 42)
  assert.equal(created.status, 200)
  const { data } = (await created.json()) as { data: { id: number; userId: number } }
  assert.equal(data.userId, 42)
  const detail = await direct(`/${name}/v1/item/detail`, { id: data.id })
  assert.deepEqual(((await detail.json()) as { data: unknown }).data, { item: { id: data.id, userId: 42, title: 'straight' } })
  // Without a user the logic refuses as a bad token does (go-zero's envelope: HTTP 400, code 100003).
  const anonymous = await direct(`/${name}/v1/item/create`, { title: 'nobody' })
  assert.deepEqual([anonymous.status, ((await anonymous.json()) as { code: number }).code], [400, 100003])

  // A private gateway: the copy's rendered conf, on a spare port, its api and identity-api moved to theirs.
  const prefix = join(scratch.dir, 'data', 'nginx-test')
  for (const dir of ['logs', 'tmp', 'conf.d']) mkdirSync(join(prefix, dir), { recursive: true })
  writeFileSync(
    join(prefix, 'nginx.conf'),
    readFileSync(join(scratch.dir, 'deploy/nginx/nginx.conf'), 'utf8').replace(/^worker_processes .*$/m, 'worker_processes 1;'),
  )
  const upstream = (text: string, upstreamName: string, port: number) =>
    text.replace(new RegExp(`(upstream ${upstreamName} \\{\\n {2}server )127\\.0\\.0\\.1:\\d+;`), `$1127.0.0.1:${port};`)
  let gatewayConf = readFileSync(join(scratch.dir, 'deploy/nginx/conf.d/looklook-gateway.conf'), 'utf8')
    .replace(/^ {2}listen 127\.0\.0\.1:8888;$/m, `  listen 127.0.0.1:${gateway};`)
    .replace(/^ {2}listen \[::1\]:8888;\n/m, '')
  gatewayConf = upstream(upstream(gatewayConf, `${name}_api`, ports.api), 'identity_api', identity.api)
  assert.match(gatewayConf, new RegExp(`server 127\\.0\\.0\\.1:${ports.api};`))
  writeFileSync(join(prefix, 'conf.d', 'looklook-gateway.conf'), gatewayConf)
  const nginx = start('nginx-test', 'nginx', ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], prefix)
  await ready('nginx-test', `http://127.0.0.1:${gateway}/healthz`, nginx)

  const env = { LOOKLOOK_GATEWAY: `http://127.0.0.1:${gateway}` }
  const rpcTests = await inCopy(process.execPath, ['--test', '--test-reporter=tap', `app/${name}/rpc/test/rpc.test.ts`], env, 120_000)
  assert.match(rpcTests, /# pass 2\n# fail 0/)
  const apiTests = await inCopy(process.execPath, ['--test', '--test-reporter=tap', `app/${name}/api/test/api.test.ts`], env, 120_000)
  assert.match(apiTests, /# pass 2\n# fail 0/)
})

test('new route (public and --auth) and new rpc write code that compiles, registered and regenerated', { timeout: 600_000 }, async () => {
  await inCopy(process.execPath, ['scripts/new.ts', 'route', name, 'extra', 'ping'])
  await inCopy(process.execPath, ['scripts/new.ts', 'route', name, 'extra', 'whoAmI', '--auth'])
  await inCopy(process.execPath, ['scripts/new.ts', 'rpc', name, 'countItems'])
  const server = readFileSync(join(scratch.dir, `app/${name}/api/src/server.ts`), 'utf8')
  assert.match(server, /extraRoutes\(app, svc\)/)
  const routes = readFileSync(join(scratch.dir, `app/${name}/api/src/routes/extra.ts`), 'utf8')
  assert.match(routes, new RegExp(`'/${name}/v1/extra/ping'`))
  assert.match(routes, /whoAmI\(svc, ctxOf\(request\), request\.body\)/)
  const publicRoutes = readFileSync(join(scratch.dir, 'app/identity/api/etc/identity-api.yaml'), 'utf8')
  assert.match(publicRoutes, new RegExp(`- /${name}/v1/extra/ping\\n`))
  assert.doesNotMatch(publicRoutes, /whoAmI/)
  assert.match(
    readFileSync(join(scratch.dir, `app/${name}/rpc/pb/${name}.proto`), 'utf8'),
    /rpc countItems\(CountItemsReq\) returns \(CountItemsResp\);/,
  )
  assert.match(readFileSync(join(scratch.dir, `app/${name}/rpc/gen/${name}.ts`), 'utf8'), /export (interface|type) CountItemsReq\b/)
  assert.match(readFileSync(join(scratch.dir, `app/${name}/rpc/src/server.ts`), 'utf8'), /countItems: \(req\) => countItems\(svc, req\)/)

  await inCopy(process.execPath, ['scripts/gen.ts', '--check'])
  await inCopy(join(scratch.dir, 'node_modules/.bin/biome'), ['check', `app/${name}`])
  await inCopy(join(scratch.dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'])
})

test('new job and new consumer write code that compiles; --home replaces a template by its relative path', {
  timeout: 600_000,
}, async () => {
  const home = join(scratch.dir, 'data', 'my-templates')
  mkdirSync(join(home, 'job'), { recursive: true })
  const own = readFileSync(join(scratch.dir, 'scripts/templates/job/job.ts.tpl'), 'utf8').replace('done', 'done (own template)')
  writeFileSync(join(home, 'job', 'job.ts.tpl'), own)
  await inCopy(process.execPath, ['scripts/new.ts', 'job', 'order', 'remind-guest', '--home', home])
  await inCopy(process.execPath, ['scripts/new.ts', 'consumer', 'order', 'order-changed'])
  assert.match(readFileSync(join(scratch.dir, 'app/order/mq/src/jobs/remind-guest.ts'), 'utf8'), /remind-guest done \(own template\)/)
  assert.match(
    readFileSync(join(scratch.dir, 'app/order/mq/src/server.ts'), 'utf8'),
    /handle\(RemindGuestJob, \(data\) => remindGuest\(svc, data\)\)/,
  )
  assert.match(
    readFileSync(join(scratch.dir, 'app/order/mq/src/consumers/order-changed.ts'), 'utf8'),
    /export async function orderChanged\(/,
  )
  // The consumer is wired: built in createListeners, started in main.ts, its Kafka section in the etc
  // yaml (which the config schema reads) and its topic in the list `up` creates.
  const server = readFileSync(join(scratch.dir, 'app/order/mq/src/server.ts'), 'utf8')
  assert.match(server, /consumerConfOptions\(svc\.config\.OrderChangedKafka\)/)
  assert.match(server, /schema: OrderChangedMessage,\s+handler: \(msg\) => orderChanged\(svc, msg\)/)
  assert.match(server, /return \{[^}]*orderChangedConsumer[^}]*\}/)
  assert.match(
    readFileSync(join(scratch.dir, 'app/order/mq/src/main.ts'), 'utf8'),
    /asService\(`kafka \$\{conf\.OrderChangedKafka\.Topic\}`, orderChangedConsumer\)/,
  )
  assert.match(readFileSync(join(scratch.dir, 'deploy/kafka/topics.txt'), 'utf8'), /^order-changed-topic 1$/m)
  const loaded = await inCopy(process.execPath, [
    '--input-type=module',
    '-e',
    "const { loadOrderMqConf } = await import('./app/order/mq/src/config.ts'); const k = loadOrderMqConf().OrderChangedKafka; console.log(k.Topic, k.Group)",
  ])
  assert.equal(loaded.trim(), 'order-changed-topic order-mq-order-changed-group')
  await inCopy(process.execPath, ['scripts/gen.ts', '--check'])
  await inCopy(join(scratch.dir, 'node_modules/.bin/biome'), ['check', 'app/order/mq'])
  await inCopy(join(scratch.dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'])
})

test('new refuses a name that exists or does not fit, naming why', async () => {
  await assert.rejects(
    run(process.execPath, ['scripts/new.ts', 'domain', 'travel', '--no-install'], { cwd: scratch.dir }),
    /app\/travel exists already/,
  )
  await assert.rejects(
    run(process.execPath, ['scripts/new.ts', 'domain', 'Bad-Name', '--no-install'], { cwd: scratch.dir }),
    /must look like/,
  )
  await assert.rejects(
    run(process.execPath, ['scripts/new.ts', 'route', 'travel', 'homestay', 'x1', '--auth'], { cwd: scratch.dir }),
    /is public/,
  )
  const { stdout } = await run(process.execPath, ['scripts/new.ts', 'rpc', '--help'], { cwd: scratch.dir })
  assert.match(stdout, /usage: \.\/looklook new rpc DOMAIN METHOD/)
})
