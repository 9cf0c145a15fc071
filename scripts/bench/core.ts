// The arithmetic and parsing of ./looklook bench, free of I/O so test/infra/bench.test.ts can check it:
// command-line options, wrk's and redis-benchmark's output, /proc figures, per-request CPU, the
// baseline ratios, and the table and Markdown the bench prints and writes.

/** Every scenario, in the order a run measures them. */
export const SCENARIOS = [
  'S1-gateway',
  'S1-direct',
  'S2-user-detail',
  'S3-create-order',
  'stampede',
  'floor-nginx-static',
  'floor-nginx-auth',
  'floor-fastify',
  'floor-grpc',
  'floor-redis',
] as const
export type Scenario = (typeof SCENARIOS)[number]

export interface Options {
  /** Seconds measured per scenario (and per connection count). */
  duration: number
  /** Seconds of load before each measurement, not counted. */
  warmup: number
  connections: number[]
  scenarios: Scenario[]
  /** Concurrent reads of the cold key in the stampede scenario. */
  stampede: number
  /** Names the side of a --baseline run ("baseline" or "current"); empty in a plain run. */
  label: string
  round: number
  /** Where a side of a --baseline run writes its JSON (the merge step reads them); empty: data/bench/<timestamp>.* */
  partial: string
  /** More pid-file directories (the baseline's apps run from their own). */
  runDirs: string[]
}

const MAX_DURATION = 120
const MAX_CONNECTIONS = 256

function positive(name: string, value: string | undefined, max: number): number {
  const n = Number(value)
  if (value === undefined || !Number.isFinite(n) || n <= 0 || n > max)
    throw new Error(`${name} must be a number above 0 and at most ${max}`)
  return n
}

/** Parses bench.ts's arguments; throws an Error with a message for the user on a bad one. */
export function parseArgs(argv: string[]): Options {
  const opts: Options = {
    duration: 10,
    warmup: 3,
    connections: [4],
    scenarios: [],
    stampede: 50,
    label: '',
    round: 1,
    partial: '',
    runDirs: [],
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string | undefined => inline ?? argv[++i]
    switch (flag) {
      case '--duration':
        opts.duration = positive('--duration', value(), MAX_DURATION)
        break
      case '--warmup':
        opts.warmup = Number(value())
        if (!Number.isFinite(opts.warmup) || opts.warmup < 0 || opts.warmup > MAX_DURATION)
          throw new Error('--warmup must be 0 to 120 seconds')
        break
      case '--connections': {
        const list = value() ?? ''
        opts.connections = list.split(',').map((c) => {
          const n = positive('--connections', c.trim(), MAX_CONNECTIONS)
          if (!Number.isInteger(n)) throw new Error('--connections takes whole numbers, e.g. 4,32,64')
          return n
        })
        break
      }
      case '--stampede':
        opts.stampede = positive('--stampede', value(), 1000)
        if (!Number.isInteger(opts.stampede)) throw new Error('--stampede takes a whole number')
        break
      case '--label':
        opts.label = value() ?? ''
        break
      case '--round':
        opts.round = positive('--round', value(), 100)
        break
      case '--partial':
        opts.partial = value() ?? ''
        break
      case '--run-dir':
        opts.runDirs.push(value() ?? '')
        break
      default: {
        if (flag.startsWith('-')) throw new Error(`unknown option ${flag}`)
        const match = SCENARIOS.filter((s) => s === flag || s.toLowerCase().startsWith(flag.toLowerCase()))
        if (match.length === 0) throw new Error(`unknown scenario ${flag} (one of ${SCENARIOS.join(', ')})`)
        for (const s of match) if (!opts.scenarios.includes(s)) opts.scenarios.push(s)
      }
    }
  }
  if (opts.scenarios.length === 0) opts.scenarios = [...SCENARIOS]
  else opts.scenarios.sort((a, b) => SCENARIOS.indexOf(a) - SCENARIOS.indexOf(b))
  return opts
}

/** What one load run saw, whatever generated it (wrk, the gRPC client, redis-benchmark, the stampede). */
export interface LoadResult {
  requests: number
  durationS: number
  /** "HTTP-status envelope-code" (or "grpc OK", "socket read" …) → count; a good answer is counted under GOOD. */
  answers: Record<string, number>
  /** Answers that count as good. */
  good: number
  latencyMs: { p50: number; p90: number | null; p99: number }
}

/** The answer key of a 2xx HTTP answer whose envelope code is 200. */
export const GOOD = '200 200'

interface WrkLine {
  requests: number
  durationUs: number
  errors: { connect: number; read: number; write: number; status: number; timeout: number }
  latencyUs: { p50: number; p90: number; p99: number }
  answers: Record<string, number>
}

/** Reads the BENCH_RESULT line scripts/bench/wrk.lua prints; socket errors become answers of their own. */
export function parseWrk(stdout: string): LoadResult {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
  if (!line) throw new Error(`wrk printed no BENCH_RESULT line:\n${stdout.slice(-2000)}`)
  const raw = JSON.parse(line.slice('BENCH_RESULT '.length)) as WrkLine
  const answers: Record<string, number> = { ...raw.answers }
  for (const kind of ['connect', 'read', 'write', 'timeout'] as const) {
    if (raw.errors[kind] > 0) answers[`socket ${kind}`] = raw.errors[kind]
  }
  let good = 0
  for (const [key, n] of Object.entries(raw.answers)) if (isGood(key)) good += n
  return {
    requests: raw.requests,
    durationS: raw.durationUs / 1e6,
    answers,
    good,
    latencyMs: { p50: raw.latencyUs.p50 / 1000, p90: raw.latencyUs.p90 / 1000, p99: raw.latencyUs.p99 / 1000 },
  }
}

/** A 2xx status with envelope code 200. */
export function isGood(key: string): boolean {
  const [status = '', code = ''] = key.split(' ')
  return /^2\d\d$/.test(status) && code === '200'
}

/**
 * Reads `redis-benchmark --csv` (Redis 7: "test","rps","avg_latency_ms","min_latency_ms",
 * "p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"); it reports no p90.
 */
export function parseRedisCsv(stdout: string, requests: number): LoadResult {
  const rows = stdout
    .trim()
    .split('\n')
    .map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')))
  const header = rows.find((r) => r[0] === 'test')
  const data = rows.find((r) => r !== header && r.length === header?.length)
  if (!header || !data) throw new Error(`unexpected redis-benchmark output:\n${stdout}`)
  const col = (name: string) => Number(data[header.indexOf(name)])
  const rps = col('rps')
  return {
    requests,
    durationS: requests / rps,
    answers: { 'redis OK': requests },
    good: requests,
    latencyMs: { p50: col('p50_latency_ms'), p90: null, p99: col('p99_latency_ms') },
  }
}

/** The value at quantile q (0..1) of ascending numbers (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.ceil(q * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** utime+stime+cutime+cstime of /proc/<pid>/stat, in clock ticks (the name may hold spaces and parentheses). */
export function statTicks(stat: string): { ticks: number; ppid: number } {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const f = (n: number) => Number(rest[n - 3])
  return { ticks: f(14) + f(15) + f(16) + f(17), ppid: f(4) }
}

/** VmRSS of /proc/<pid>/status in KiB (0 for a kernel thread or a zombie). */
export function vmRssKiB(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  return m ? Number(m[1]) : 0
}

/** CPU of one measured process (its whole tree) over a run, and its memory before and after. */
export interface ProcessUsage {
  name: string
  cpuMs: number
  rssBeforeMiB: number
  rssAfterMiB: number
}

export interface ScenarioResult {
  scenario: Scenario
  connections: number
  label: string
  round: number
  load: LoadResult
  reqPerSec: number
  goodPerSec: number
  cpuMsTotal: number
  /** CPU ms per good answer over every measured process; null without a good answer. */
  cpuMsPerGood: number | null
  processes: (ProcessUsage & { msPerGood: number | null })[]
  /** Scenario-specific figures, e.g. the stampede's SQL query counts. */
  extra: Record<string, number | string>
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000
}

/** Combines a load run with the CPU the measured processes spent over it. */
export function summarize(
  scenario: Scenario,
  connections: number,
  load: LoadResult,
  usage: ProcessUsage[],
  meta: { label?: string; round?: number; extra?: Record<string, number | string> } = {},
): ScenarioResult {
  const cpuMsTotal = usage.reduce((sum, p) => sum + p.cpuMs, 0)
  const perGood = (ms: number) => (load.good > 0 ? round3(ms / load.good) : null)
  return {
    scenario,
    connections,
    label: meta.label ?? '',
    round: meta.round ?? 1,
    load,
    reqPerSec: round3(load.requests / load.durationS),
    goodPerSec: round3(load.good / load.durationS),
    cpuMsTotal: round3(cpuMsTotal),
    cpuMsPerGood: perGood(cpuMsTotal),
    processes: usage.map((p) => ({ ...p, msPerGood: perGood(p.cpuMs) })),
    extra: meta.extra ?? {},
  }
}

export interface Ratio {
  scenario: Scenario
  connections: number
  baselineCpuMsPerGood: number | null
  currentCpuMsPerGood: number | null
  /** current / baseline of CPU ms per good request, over all rounds (CPU summed, good answers summed). */
  cpuRatio: number | null
  baselineP50: number
  currentP50: number
  /** current / baseline of p50 (each side's mean over its rounds). */
  p50Ratio: number | null
}

/** Per scenario and connection count: the current side against the baseline side of a --baseline run. */
export function ratios(results: ScenarioResult[]): Ratio[] {
  const out: Ratio[] = []
  const keys = [...new Set(results.map((r) => `${r.scenario}\t${r.connections}`))]
  for (const key of keys) {
    const [scenario, c] = key.split('\t') as [Scenario, string]
    const side = (label: string) => results.filter((r) => r.scenario === scenario && r.connections === Number(c) && r.label === label)
    const base = side('baseline')
    const cur = side('current')
    if (base.length === 0 || cur.length === 0) continue
    const perGood = (rs: ScenarioResult[]) => {
      const good = rs.reduce((s, r) => s + r.load.good, 0)
      return good > 0 ? round3(rs.reduce((s, r) => s + r.cpuMsTotal, 0) / good) : null
    }
    const p50 = (rs: ScenarioResult[]) => round3(rs.reduce((s, r) => s + r.load.latencyMs.p50, 0) / rs.length)
    const b = perGood(base)
    const k = perGood(cur)
    const bp = p50(base)
    const kp = p50(cur)
    out.push({
      scenario,
      connections: Number(c),
      baselineCpuMsPerGood: b,
      currentCpuMsPerGood: k,
      cpuRatio: b && k !== null ? round3(k / b) : null,
      baselineP50: bp,
      currentP50: kp,
      p50Ratio: bp > 0 ? round3(kp / bp) : null,
    })
  }
  return out
}

/** The answers that are not good, most frequent first: "503 100001 ×12, socket read ×3". */
export function errorsByKind(load: LoadResult): string {
  const bad = Object.entries(load.answers)
    .filter(([k]) => !isGood(k) && k !== 'redis OK' && k !== 'grpc OK')
    .sort((a, b) => b[1] - a[1])
  return bad.length === 0 ? '-' : bad.map(([k, n]) => `${k} ×${n}`).join(', ')
}

function fmt(n: number | null, digits = 2): string {
  return n === null ? '-' : n.toFixed(digits)
}

const COLUMNS = ['scenario', 'c', 'side', 'req/s', 'good/s', 'p50 ms', 'p90 ms', 'p99 ms', 'CPU ms/good', 'errors'] as const

function rows(results: ScenarioResult[]): string[][] {
  return results.map((r) => [
    r.scenario,
    String(r.connections),
    r.label ? `${r.label}#${r.round}` : '-',
    fmt(r.reqPerSec, 0),
    fmt(r.goodPerSec, 0),
    fmt(r.load.latencyMs.p50),
    fmt(r.load.latencyMs.p90),
    fmt(r.load.latencyMs.p99),
    fmt(r.cpuMsPerGood, 3),
    errorsByKind(r.load),
  ])
}

/** The plain-text table printed at the end of a run. */
export function renderTable(results: ScenarioResult[], ratioRows: Ratio[] = []): string {
  const body = rows(results)
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]!.length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')
  const out = [line(COLUMNS), ...body.map(line)]
  if (ratioRows.length > 0) {
    out.push('', 'current / baseline (CPU ms per good request, p50):')
    for (const r of ratioRows) {
      out.push(
        `  ${r.scenario.padEnd(20)} c=${String(r.connections).padEnd(4)} CPU ${fmt(r.baselineCpuMsPerGood, 3)} → ${fmt(r.currentCpuMsPerGood, 3)} ms = ${fmt(r.cpuRatio, 2)}×   p50 ${fmt(r.baselineP50)} → ${fmt(r.currentP50)} ms = ${fmt(r.p50Ratio, 2)}×`,
      )
    }
  }
  return out.join('\n')
}

/** The Markdown report written beside the JSON: the table, the ratios, then CPU and RSS per process. */
export function renderMarkdown(meta: Record<string, string>, results: ScenarioResult[], ratioRows: Ratio[] = []): string {
  const md: string[] = ['# looklook bench', '']
  for (const [k, v] of Object.entries(meta)) md.push(`- ${k}: ${v}`)
  md.push('', `| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`)
  for (const r of rows(results)) md.push(`| ${r.join(' | ')} |`)
  if (ratioRows.length > 0) {
    md.push(
      '',
      '## current / baseline',
      '',
      '| scenario | c | CPU ms/good baseline | current | ratio | p50 baseline | current | ratio |',
      '|---|---|---|---|---|---|---|---|',
    )
    for (const r of ratioRows) {
      md.push(
        `| ${r.scenario} | ${r.connections} | ${fmt(r.baselineCpuMsPerGood, 3)} | ${fmt(r.currentCpuMsPerGood, 3)} | ${fmt(r.cpuRatio)} | ${fmt(r.baselineP50)} | ${fmt(r.currentP50)} | ${fmt(r.p50Ratio)} |`,
      )
    }
  }
  md.push(
    '',
    '## Per process',
    '',
    '| scenario | c | side | process | CPU ms | CPU ms/good | RSS MiB before → after |',
    '|---|---|---|---|---|---|---|',
  )
  for (const r of results) {
    for (const p of r.processes) {
      md.push(
        `| ${r.scenario} | ${r.connections} | ${r.label ? `${r.label}#${r.round}` : '-'} | ${p.name} | ${fmt(p.cpuMs, 0)} | ${fmt(p.msPerGood, 3)} | ${fmt(p.rssBeforeMiB, 0)} → ${fmt(p.rssAfterMiB, 0)} |`,
      )
    }
  }
  const extras = results.filter((r) => Object.keys(r.extra).length > 0)
  if (extras.length > 0) {
    md.push('', '## Scenario figures', '')
    for (const r of extras) {
      md.push(
        `- ${r.scenario} c=${r.connections}${r.label ? ` ${r.label}#${r.round}` : ''}: ${Object.entries(r.extra)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      )
    }
  }
  return `${md.join('\n')}\n`
}
