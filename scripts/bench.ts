// ./looklook bench: load against the running stack and the floors beside it, with the CPU every measured
// process spent per good answer. Run through ./looklook (scripts/bench.sh), which installs wrk, sources
// the apps' environment and, for --baseline, swaps the app processes between rounds.
//
//   node scripts/bench.ts [--duration S] [--warmup S] [--connections N,...] [--stampede N] [SCENARIO...]
//   node scripts/bench.ts merge FILE...   one report from the sides of a --baseline run, with the ratios
//
// The load generators (wrk, redis-benchmark, the gRPC client) and this process run on the same cores
// as the measured processes but are not counted.
import { execFile, execFileSync, spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { createConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise'
import {
  GOOD,
  type LoadResult,
  type Options,
  parseArgs,
  parseRedisCsv,
  parseWrk,
  quantile,
  ratios,
  renderMarkdown,
  renderTable,
  type Scenario,
  type ScenarioResult,
  summarize,
} from './bench/core.ts'
import { startBenchNginx } from './bench/nginx.ts'
import { type Piece, runningPieces, sample, stackPieces, tracing, usage } from './bench/procs.ts'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const OUT_DIR = join(ROOT, 'data', 'bench')
const GATEWAY = 'http://127.0.0.1:8888'
const TRAVEL_API = 'http://127.0.0.1:8003'
const DETAIL = '/travel/v1/homestay/homestayDetail'
const REDIS_PORT = 6379
/** Homestays made for S3 per connection count: 360 nights each, so orders never share a night. */
const ORDER_HOMESTAYS = 20

function say(line: string): void {
  process.stdout.write(`==> ${line}\n`)
}

function mobile(): string {
  return `17${String(Date.now() % 1e6).padStart(6, '0')}${String(randomInt(0, 1000)).padStart(3, '0')}`
}

async function post(
  url: string,
  body: unknown,
  token = '',
): Promise<{ status: number; json: { code?: number; data?: Record<string, unknown> } }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
  return { status: res.status, json: (await res.json().catch(() => ({}))) as { code?: number } }
}

/** A fresh user registered through the gateway; the bench's load runs with its token. */
async function registerUser(): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const res = await post(`${GATEWAY}/usercenter/v1/user/register`, { mobile: mobile(), password: 'bench-pass-1' })
    const token = res.json.data?.accessToken
    if (res.status === 200 && res.json.code === 200 && typeof token === 'string') return token
    if (attempt >= 3) throw new Error(`registering the bench user failed: ${res.status} ${JSON.stringify(res.json)}`)
    await new Promise((r) => setTimeout(r, 1000))
  }
}

function travelDb() {
  return createConnection({ host: '127.0.0.1', port: 3306, user: 'looklook', password: 'looklook', database: 'looklook_travel' })
}

/**
 * New on-sale homestays, copies of seed homestay 1 under a bench title: ids never read before. They
 * belong to no shop (business 0), so the seeded shops' listings and figures stay as they were.
 */
async function insertHomestays(n: number): Promise<number[]> {
  const db = await travelDb()
  try {
    const ids: number[] = []
    for (let i = 0; i < n; i++) {
      const [res] = await db.query<ResultSetHeader>(
        `INSERT INTO homestay (title, sub_title, banner, info, people_num, homestay_business_id, user_id, row_state, row_type,
           food_info, food_price, homestay_price, market_homestay_price)
         SELECT ?, sub_title, banner, info, GREATEST(people_num, 1), 0, user_id, 1, row_type,
           food_info, food_price, homestay_price, market_homestay_price FROM homestay WHERE id = 1`,
        [`bench ${Date.now() % 1e8}-${i}`],
      )
      if (res.affectedRows !== 1) throw new Error('seed homestay 1 is missing')
      ids.push(res.insertId)
    }
    return ids
  } finally {
    await db.end()
  }
}

/** MariaDB's SELECT count (server-wide: other clients' queries count too). */
async function comSelect(): Promise<number> {
  const db = await travelDb()
  try {
    const [rows] = await db.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Com_select'")
    return Number(rows[0]?.Value ?? 0)
  } finally {
    await db.end()
  }
}

interface MetricsTarget {
  name: string
  url: string
}

/** The Prometheus endpoints of the apps and rpcs, as scripts/apps.ts discovers them. */
function metricsTargets(): MetricsTarget[] {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'apps.ts'), 'list'], { encoding: 'utf8' })
  return out
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((f) => /-(api|rpc)$/.test(f[0] ?? '') && f[3] === 'http' && f[7] !== '-')
    .map((f) => ({ name: f[0]!, url: `http://${f[4]}:${f[5]}${f[7]}` }))
}

/** Each process's number of SQL statements so far (sql_client_requests_duration_ms_count, all commands). */
async function sqlCounts(targets: MetricsTarget[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  await Promise.all(
    targets.map(async (t) => {
      const text = await fetch(t.url, { signal: AbortSignal.timeout(3000) })
        .then((r) => r.text())
        .catch(() => '')
      let n = 0
      for (const m of text.matchAll(/^sql_client_requests_duration_ms_count(?:\{[^}]*\})?\s+(\S+)$/gm)) n += Number(m[1])
      counts.set(t.name, n)
    }),
  )
  return counts
}

async function wrk(url: string, env: Record<string, string>, connections: number, seconds: number): Promise<LoadResult> {
  const threads = Math.min(connections, 2)
  const { stdout } = await run(
    'wrk',
    [
      '-t',
      String(threads),
      '-c',
      String(connections),
      '-d',
      `${seconds}s`,
      '--timeout',
      '5s',
      '-s',
      join(ROOT, 'scripts', 'bench', 'wrk.lua'),
      url,
    ],
    { env: { ...process.env, BENCH_THREADS: String(threads), ...env }, maxBuffer: 1 << 20 },
  )
  return parseWrk(stdout)
}

interface Measured {
  load: LoadResult
  pieces: Piece[]
  before: ReturnType<typeof sample>
  after: ReturnType<typeof sample>
  extra?: Record<string, number | string>
}

/** Warm-up (with `warmEnv` when given), then a measured wrk run with CPU samples of the pieces around it. */
async function wrkScenario(
  opts: Options,
  pieces: Piece[],
  url: string,
  env: Record<string, string>,
  c: number,
  warmEnv: Record<string, string> = env,
): Promise<Measured> {
  if (opts.warmup > 0) await wrk(url, warmEnv, c, opts.warmup)
  const before = sample(pieces)
  const load = await wrk(url, env, c, opts.duration)
  return { load, pieces, before, after: sample(pieces) }
}

function stack(opts: Options): Piece[] {
  return stackPieces(runningPieces([join(ROOT, 'data', 'run'), ...opts.runDirs]))
}

async function stampede(opts: Options): Promise<Measured> {
  const [id] = await insertHomestays(1)
  const pieces = stack(opts)
  const targets = metricsTargets()
  const sqlBefore = await sqlCounts(targets)
  const selectBefore = await comSelect()
  const before = sample(pieces)
  const answers: Record<string, number> = {}
  const started = performance.now()
  const latencies = await Promise.all(
    Array.from({ length: opts.stampede }, async () => {
      const t0 = performance.now()
      const key = await post(`${GATEWAY}${DETAIL}`, { id }).then(
        (r) => `${r.status} ${r.json.code ?? '-'}`,
        (err: Error) => `client ${err.name}`,
      )
      answers[key] = (answers[key] ?? 0) + 1
      return performance.now() - t0
    }),
  )
  const durationS = (performance.now() - started) / 1000
  const after = sample(pieces)
  // The apps count a statement when it returns; the last answers may be a moment ahead of the scrape.
  await new Promise((r) => setTimeout(r, 500))
  const sqlAfter = await sqlCounts(targets)
  const selectAfter = await comSelect()
  latencies.sort((a, b) => a - b)
  const extra: Record<string, number | string> = { homestayId: id ?? 0 }
  let total = 0
  for (const [name, n] of sqlAfter) {
    const delta = n - (sqlBefore.get(name) ?? 0)
    if (delta > 0) extra[`sql ${name}`] = delta
    total += delta
  }
  extra['sql statements (all apps, background included)'] = total
  // travel-rpc owns the homestay table: its count is the stampede's; the others are whatever else ran.
  extra['sql statements (travel-rpc)'] = (sqlAfter.get('travel-rpc') ?? 0) - (sqlBefore.get('travel-rpc') ?? 0)
  extra['Com_select delta (server-wide)'] = selectAfter - selectBefore
  const good = answers[GOOD] ?? 0
  return {
    load: {
      requests: opts.stampede,
      durationS,
      answers,
      good,
      latencyMs: { p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), p99: quantile(latencies, 0.99) },
    },
    pieces,
    before,
    after,
    extra,
  }
}

/** Starts a fixture server (it prints its port), runs fn against it, stops it. */
async function withServer<T>(script: string, fn: (port: number, pid: number) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'bench', script)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const lines = createInterface({ input: child.stdout })
    const port = await new Promise<number>((resolve, reject) => {
      lines.once('line', (l) => resolve(Number(l)))
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)))
    })
    return await fn(port, child.pid ?? 0)
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

async function grpcFloor(opts: Options, c: number): Promise<Measured> {
  return withServer('grpc-server.ts', async (port, pid) => {
    const pieces = [{ name: 'grpc-js server', pid }]
    const client = spawn(
      process.execPath,
      [join(ROOT, 'scripts', 'bench', 'grpc-client.ts'), String(port), String(c), String(opts.warmup), String(opts.duration)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let before = sample(pieces)
    let last = ''
    for await (const line of createInterface({ input: client.stdout })) {
      if (line === 'measuring') before = sample(pieces)
      else last = line
    }
    const after = sample(pieces)
    const raw = JSON.parse(last) as Omit<LoadResult, 'good'>
    return { load: { ...raw, good: raw.answers['grpc OK'] ?? 0 }, pieces, before, after }
  })
}

async function redisBenchmark(c: number, n: number): Promise<LoadResult> {
  const auth = process.env.REDIS_PASS ? ['-a', process.env.REDIS_PASS, '--no-auth-warning'] : []
  const { stdout } = await run(
    'redis-benchmark',
    ['-h', '127.0.0.1', '-p', String(REDIS_PORT), ...auth, '-c', String(c), '-n', String(n), '--csv', 'GET', 'looklook:bench:floor'],
    {
      maxBuffer: 1 << 20,
    },
  )
  return parseRedisCsv(stdout, n)
}

async function redisFloor(opts: Options, c: number): Promise<Measured> {
  const auth = process.env.REDIS_PASS ? ['-a', process.env.REDIS_PASS, '--no-auth-warning'] : []
  await run('redis-cli', [
    '-h',
    '127.0.0.1',
    '-p',
    String(REDIS_PORT),
    ...auth,
    'SET',
    'looklook:bench:floor',
    '{"code":200,"msg":"OK"}',
    'EX',
    '3600',
  ])
  // redis-benchmark runs a count, not a time: a short run tells how many fill the duration.
  const probe = await redisBenchmark(c, 20_000)
  if (opts.warmup > 0) await redisBenchmark(c, Math.round((probe.requests / probe.durationS) * opts.warmup))
  const n = Math.min(5_000_000, Math.max(1000, Math.round((probe.requests / probe.durationS) * opts.duration)))
  const pieces = stack(opts).filter((p) => p.name === 'redis')
  const before = sample(pieces)
  const load = await redisBenchmark(c, n)
  return { load, pieces, before, after: sample(pieces) }
}

interface Fixtures {
  s2Token?: string
  s3Token?: string
  nginx?: Awaited<ReturnType<typeof startBenchNginx>>
}

async function measure(opts: Options, scenario: Scenario, c: number, fx: Fixtures): Promise<Measured> {
  const body = { BENCH_BODY: '{"id":1}' }
  switch (scenario) {
    case 'S1-gateway':
      return wrkScenario(opts, stack(opts), `${GATEWAY}${DETAIL}`, body, c)
    case 'S1-direct':
      return wrkScenario(opts, stack(opts), `${TRAVEL_API}${DETAIL}`, { ...body, BENCH_HEADERS: 'x-user: 0' }, c)
    case 'S2-user-detail':
      fx.s2Token ??= await registerUser()
      return wrkScenario(
        opts,
        stack(opts),
        `${GATEWAY}/usercenter/v1/user/detail`,
        { BENCH_BODY: '{}', BENCH_HEADERS: `Authorization: Bearer ${fx.s2Token}` },
        c,
      )
    case 'S3-create-order': {
      fx.s3Token ??= await registerUser()
      // A night is held by one order: the warm-up books homestays of its own, since every wrk run
      // starts its stays from the same first night.
      const orderEnv = async () => ({
        BENCH_HEADERS: `Authorization: Bearer ${fx.s3Token}`,
        BENCH_ORDER_IDS: (await insertHomestays(ORDER_HOMESTAYS)).join(','),
        BENCH_ORDER_BASE: String(chinaMidnight(1)),
      })
      const warm = opts.warmup > 0 ? await orderEnv() : undefined
      return wrkScenario(opts, stack(opts), `${GATEWAY}/order/v1/homestayOrder/createHomestayOrder`, await orderEnv(), c, warm)
    }
    case 'stampede':
      return stampede(opts)
    case 'floor-nginx-static':
    case 'floor-nginx-auth': {
      fx.nginx ??= await startBenchNginx(ROOT)
      const path = scenario === 'floor-nginx-static' ? '/static.json' : '/auth/static.json'
      return wrkScenario(
        opts,
        [{ name: 'bench nginx', pid: fx.nginx.pid }],
        `http://127.0.0.1:${fx.nginx.port}${path}`,
        { BENCH_METHOD: 'GET' },
        c,
      )
    }
    case 'floor-fastify':
      return withServer('fastify-server.ts', (port, pid) =>
        wrkScenario(opts, [{ name: 'fastify server', pid }], `http://127.0.0.1:${port}${DETAIL}`, body, c),
      )
    case 'floor-grpc':
      return grpcFloor(opts, c)
    case 'floor-redis':
      return redisFloor(opts, c)
  }
}

/**
 * An order is booked by a dtm saga: the dtm server's own CPU per good answer is reported beside the
 * scenario's, and the scenario without it (the branches stay in order-rpc and travel-rpc, whose
 * calls they are).
 */
function sagaShare(r: ScenarioResult): void {
  const dtm = r.processes.find((p) => p.name === 'dtm')
  if (!dtm || dtm.msPerGood === null || r.cpuMsPerGood === null) return
  r.extra['saga: dtm server CPU ms/good'] = dtm.msPerGood
  r.extra['CPU ms/good without the dtm server'] = Math.round((r.cpuMsPerGood - dtm.msPerGood) * 1000) / 1000
}

/** Midnight in China (the apps' time zone) `days` from today, as unix seconds. */
function chinaMidnight(days: number): number {
  const day = Math.floor((Date.now() / 1000 + 8 * 3600) / 86_400)
  return (day + days) * 86_400 - 8 * 3600
}

function stamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
}

function gitDescribe(): string {
  try {
    const head = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim()
    return dirty ? `${head} + uncommitted changes` : head
  } catch {
    return 'unknown'
  }
}

function meta(opts: Options, extra: Record<string, string> = {}): Record<string, string> {
  const pieces = runningPieces([join(ROOT, 'data', 'run'), ...opts.runDirs])
  const api = pieces.get('travel-api')
  return {
    date: new Date().toISOString(),
    tree: process.env.LOOKLOOK_BENCH_TREE ?? gitDescribe(),
    'apps environment': process.env.LOOKLOOK_BENCH_ENV ?? 'unknown',
    tracing: api !== undefined && tracing(api) ? 'on (Jaeger counted)' : 'off',
    duration: `${opts.warmup} s warm-up + ${opts.duration} s per scenario`,
    connections: opts.connections.join(','),
    machine: `${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the start`,
    'not counted': 'wrk, redis-benchmark, the gRPC client and the bench itself (they share the same cores)',
    ...extra,
  }
}

function writeReport(m: Record<string, string>, results: ScenarioResult[]): void {
  const ratioRows = ratios(results)
  mkdirSync(OUT_DIR, { recursive: true })
  const base = join(OUT_DIR, stamp())
  writeFileSync(`${base}.json`, `${JSON.stringify({ meta: m, results, ratios: ratioRows }, null, 2)}\n`)
  writeFileSync(`${base}.md`, renderMarkdown(m, results, ratioRows))
  process.stdout.write(`\n${renderTable(results, ratioRows)}\n\n`)
  say(`wrote ${base.slice(ROOT.length + 1)}.json and .md`)
}

async function gatewayUp(): Promise<boolean> {
  try {
    const res = await fetch(`${GATEWAY}/healthz`, { signal: AbortSignal.timeout(3000) })
    await res.body?.cancel()
    return res.status === 200
  } catch {
    return false
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'merge') {
    const parts = argv
      .slice(1)
      .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { meta: Record<string, string>; results: ScenarioResult[] })
    if (parts.length === 0) throw new Error('merge needs the JSON files of the sides')
    const m = {
      ...parts[0]!.meta,
      date: new Date().toISOString(),
      tree: 'baseline and current, alternating',
      ...(process.env.LOOKLOOK_BENCH_SIDES ? { sides: process.env.LOOKLOOK_BENCH_SIDES } : {}),
    }
    writeReport(
      m,
      parts.flatMap((p) => p.results),
    )
    return
  }
  const opts = parseArgs(argv)
  if (!(await gatewayUp())) {
    throw new Error(`the gateway ${GATEWAY} does not answer: the bench measures the running stack, start it with ./looklook up`)
  }
  const results: ScenarioResult[] = []
  const fx: Fixtures = {}
  const side = opts.label ? ` [${opts.label} #${opts.round}]` : ''
  try {
    for (const c of opts.connections) {
      for (const scenario of opts.scenarios) {
        // The stampede is one burst of --stampede reads, whatever the connection count.
        if (scenario === 'stampede' && c !== opts.connections[0]) continue
        const conc = scenario === 'stampede' ? opts.stampede : c
        say(
          `${scenario} c=${conc}${side}: ${scenario === 'stampede' ? `${conc} concurrent reads of a new homestay` : `${opts.warmup} s warm-up, ${opts.duration} s`}`,
        )
        const m = await measure(opts, scenario, conc, fx)
        const r = summarize(scenario, conc, m.load, usage(m.pieces, m.before, m.after), {
          label: opts.label,
          round: opts.round,
          extra: m.extra,
        })
        if (scenario === 'S3-create-order') sagaShare(r)
        results.push(r)
        const errors = m.load.requests - m.load.good
        process.stdout.write(
          `    ${r.reqPerSec.toFixed(0)} req/s, ${r.goodPerSec.toFixed(0)} good/s, p50 ${r.load.latencyMs.p50.toFixed(2)} ms, ` +
            `${r.cpuMsPerGood?.toFixed(3) ?? '-'} CPU ms/good over ${r.processes.length} processes${errors > 0 ? `, ${errors} not good` : ''}` +
            `${m.extra?.['sql statements (travel-rpc)'] !== undefined ? `, ${m.extra['sql statements (travel-rpc)']} SQL statements in travel-rpc` : ''}\n`,
        )
      }
    }
  } finally {
    await fx.nginx?.stop()
  }
  const m = meta(opts)
  if (opts.partial) {
    writeFileSync(opts.partial, `${JSON.stringify({ meta: m, results }, null, 2)}\n`)
    return
  }
  writeReport(m, results)
}

try {
  await main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`xx  bench: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}
