/**
 * The process registry: the one place that knows which processes the repository holds and how they are
 * reached. A process is a folder with src/main.ts and etc/*.yaml, found rather than listed:
 *
 *   app/<domain>/api/         kind api        Fastify, routed by nginx under /<domain>/
 *   app/<domain>/rpc/         kind rpc        gRPC
 *   app/<domain>/scheduler/   kind scheduler  BullMQ repeatable jobs
 *   app/<domain>/<other>/     kind mq         Kafka consumers and BullMQ workers (mq)
 *   tools/<name>/             kind tool       development helpers (sandbox, docs, queue UI)
 *
 * `./looklook` (scripts/apps.ts: start order, readiness probes), the deployment generator
 * (scripts/gen-deploy.ts: Compose, Kubernetes, Prometheus, the gateway) and the docs' process tables
 * (architecture, README, metrics) read it, and `./looklook new` takes a new process's ports from {@link portsOf}.
 *
 * Ports follow one rule per domain number n (identity 1, usercenter 2, … in the order the domains were
 * added): an api listens on 8000+n with metrics on 4000+n, an rpc on 9000+n with metrics on 4100+n, a
 * worker (mq, scheduler) has metrics on 4200+n only. A domain's number is read back from its ports, so
 * the next domain takes the number after the highest one in use.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { interpolate } from '@looklook/conf'
import { parse } from 'yaml'

export const repoRoot = join(import.meta.dirname, '..')

export type Kind = 'api' | 'rpc' | 'mq' | 'scheduler' | 'tool'

/** Start order: helpers the services call, then rpcs, then workers, then the apis nginx routes to. */
export const groups = ['tools', 'rpc', 'worker', 'api'] as const
export type Group = (typeof groups)[number]

export interface Process {
  /** The etc yaml's file name without extension, e.g. order-api. */
  name: string
  /** The app/<domain> folder name; a tool's own name. */
  domain: string
  kind: Kind
  group: Group
  /** Repository-relative folder, e.g. app/order/api. */
  dir: string
  /** Repository-relative etc yaml. */
  etc: string
  /** Where its service port is reached (loopback for a server bound to every interface). */
  host: string
  /** Port (apis, tools) or ListenOn's port (rpcs); workers have none. */
  port?: number
  /** Prometheus.Port, also where /healthz answers. */
  metricsPort?: number
  metricsHost: string
  /** Prometheus.Path, `/metrics` when not set. */
  metricsPath: string
  /** An api's route prefix, the nginx location that reaches it: /<domain>/. */
  routes?: string
}

export interface DiscoverOptions {
  /** The repository to read (tests point it at a made-up tree). */
  root?: string
  /** What `${NAME}` references resolve against: the process environment for `./looklook`, {} for defaults. */
  env?: Record<string, string | undefined>
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

/** A port from `8001`, `"8001"` or `host:8001`. */
export function portOf(value: unknown): number | undefined {
  const n = Number(typeof value === 'string' ? value.split(':').pop() : value)
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined
}

function hostOf(listenOn: unknown): string {
  const host = typeof listenOn === 'string' && listenOn.includes(':') ? listenOn.slice(0, listenOn.lastIndexOf(':')) : ''
  // A server bound to every interface is still reached on loopback.
  return host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
}

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'node_modules')
    .map((d) => d.name)
    .sort()
}

function kindOf(folder: string): Kind {
  return folder === 'api' ? 'api' : folder === 'rpc' ? 'rpc' : folder === 'scheduler' ? 'scheduler' : 'mq'
}

function groupOf(kind: Kind): Group {
  return kind === 'tool' ? 'tools' : kind === 'rpc' ? 'rpc' : kind === 'api' ? 'api' : 'worker'
}

/** Every process folder (src/main.ts and an etc/*.yaml), tools first, then app/<domain>/<kind> by name. */
function folders(root: string): { dir: string; domain: string; kind: Kind }[] {
  const found = subdirs(join(root, 'tools')).map((name) => ({ dir: `tools/${name}`, domain: name, kind: 'tool' as Kind }))
  for (const domain of subdirs(join(root, 'app'))) {
    for (const folder of subdirs(join(root, 'app', domain))) found.push({ dir: `app/${domain}/${folder}`, domain, kind: kindOf(folder) })
  }
  return found.filter(({ dir }) => existsSync(join(root, dir, 'src', 'main.ts')) && existsSync(join(root, dir, 'etc')))
}

function describe(
  root: string,
  env: Record<string, string | undefined>,
  f: { dir: string; domain: string; kind: Kind },
): Process | undefined {
  const yaml = readdirSync(join(root, f.dir, 'etc'))
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()[0]
  if (yaml === undefined) return undefined
  const etc = `${f.dir}/etc/${yaml}`
  const conf = record(parse(interpolate(readFileSync(join(root, etc), 'utf8'), env, etc)))
  const prometheus = record(conf.Prometheus)
  const metricsPort = portOf(prometheus.Port)
  const port = portOf(conf.Port) ?? portOf(conf.ListenOn)
  const host = conf.Port !== undefined ? hostOf(`${String(conf.Host ?? '')}:0`) : hostOf(conf.ListenOn)
  const path = prometheus.Path
  return {
    name: yaml.replace(/\.ya?ml$/, ''),
    domain: f.domain,
    kind: f.kind,
    group: groupOf(f.kind),
    dir: f.dir,
    etc,
    host,
    port,
    metricsPort,
    metricsHost: hostOf(`${String(prometheus.Host ?? '')}:0`),
    metricsPath: typeof path === 'string' && path.startsWith('/') ? path : '/metrics',
    routes: f.kind === 'api' ? `/${f.domain}/` : undefined,
  }
}

/** The processes in start order (group, then name). */
export function discover(opts: DiscoverOptions = {}): Process[] {
  const root = opts.root ?? repoRoot
  const env = opts.env ?? {}
  const found: Process[] = []
  for (const f of folders(root)) {
    const p = describe(root, env, f)
    if (p) found.push(p)
  }
  return found.sort((a, b) => groups.indexOf(a.group) - groups.indexOf(b.group) || a.name.localeCompare(b.name))
}

// ---- public routes --------------------------------------------------------------------------------

/** identity-api's config, where the routes that work without a token are listed (NoAuthUrls). */
export const PUBLIC_ROUTES_FILE = 'app/identity/api/etc/identity-api.yaml'

/** Routes that work without a token: exact paths, or prefixes ending in '/'. */
export function publicRoutes(root = repoRoot): string[] {
  const conf = parse(readFileSync(join(root, PUBLIC_ROUTES_FILE), 'utf8')) as { NoAuthUrls?: unknown }
  return Array.isArray(conf.NoAuthUrls) ? conf.NoAuthUrls.filter((u): u is string => typeof u === 'string') : []
}

// ---- the port rule --------------------------------------------------------------------------------

const SERVICE_BASE: Partial<Record<Kind, number>> = { api: 8000, rpc: 9000 }
const METRICS_BASE: Partial<Record<Kind, number>> = { api: 4000, rpc: 4100, mq: 4200, scheduler: 4200 }

/** The ports of a process of `kind` in domain number `n`. */
export function portsOf(kind: Exclude<Kind, 'tool'>, n: number): { port?: number; metricsPort: number } {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new Error(`domain number ${n} is outside 1..99`)
  const base = SERVICE_BASE[kind]
  return { port: base === undefined ? undefined : base + n, metricsPort: METRICS_BASE[kind]! + n }
}

/** The domain number a process's ports say it has (undefined for one whose ports follow no rule). */
export function domainNumber(p: Process): number | undefined {
  if (p.kind === 'tool') return undefined
  for (const [value, base] of [
    [p.port, SERVICE_BASE[p.kind]],
    [p.metricsPort, METRICS_BASE[p.kind]],
  ] as const) {
    if (value !== undefined && base !== undefined && value > base && value < base + 100) return value - base
  }
  return undefined
}

/** Each domain's number, read from the ports of its processes. */
export function domainNumbers(procs: Process[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const p of procs) {
    const n = domainNumber(p)
    if (n !== undefined && !out.has(p.domain)) out.set(p.domain, n)
  }
  return out
}

/** The number a new domain gets: one past the highest in use. */
export function nextDomainNumber(procs: Process[]): number {
  return Math.max(0, ...domainNumbers(procs).values()) + 1
}

/** The number of a domain, existing or not (a new one gets {@link nextDomainNumber}). */
export function numberOfDomain(procs: Process[], domain: string): number {
  return domainNumbers(procs).get(domain) ?? nextDomainNumber(procs)
}

/** App processes (not tools) in the order the docs list them: by domain number, then api, rpc, mq, scheduler. */
export function byDomain(procs: Process[]): Process[] {
  const numbers = domainNumbers(procs)
  const kinds: Kind[] = ['api', 'rpc', 'mq', 'scheduler']
  return procs
    .filter((p) => p.kind !== 'tool')
    .sort(
      (a, b) =>
        (numbers.get(a.domain) ?? 100) - (numbers.get(b.domain) ?? 100) ||
        a.domain.localeCompare(b.domain) ||
        kinds.indexOf(a.kind) - kinds.indexOf(b.kind) ||
        a.name.localeCompare(b.name),
    )
}

// ---- the docs' process tables ---------------------------------------------------------------------

/** doc/architecture.md's process table, kept in step with the registry by `./looklook gen`. */
export const PROCESS_TABLE_FILE = 'doc/architecture.md'
const TABLE_HEADER = '| process | folder | kind | port | metrics |'
const KIND_LABEL: Record<Exclude<Kind, 'tool'>, string> = { api: 'Fastify', rpc: 'gRPC', mq: 'worker', scheduler: 'worker' }

const dash = (n: number | undefined) => (n === undefined ? '–' : String(n))
const cells = (row: string) => row.split('|').map((c) => c.trim())
const servicePort = (p: Process) => (p.kind === 'mq' || p.kind === 'scheduler' ? undefined : p.port)
const toolsByPort = (procs: Process[]) =>
  procs.filter((p) => p.kind === 'tool').sort((a, b) => (a.port ?? 0) - (b.port ?? 0) || a.name.localeCompare(b.name))

/** Replaces the rows of the table under `header` in `text` (the file `file`) by `render(the rows written there)`. */
function replaceRows(text: string, file: string, header: string, render: (written: string[]) => string[]): string {
  const lines = text.split('\n')
  const start = lines.indexOf(header)
  if (start < 0) throw new Error(`${file}: no process table (${header})`)
  let end = start + 2
  while (end < lines.length && lines[end]!.startsWith('|')) end++
  lines.splice(start + 2, end - start - 2, ...render(lines.slice(start + 2, end)))
  return lines.join('\n')
}

/**
 * Rewrites the rows of the process table in `text`: the rows of what is no process folder (the gateway)
 * as written, then every app process in domain order, then the tools by port (a tool's row keeps the
 * description written in the doc).
 */
export function processTable(text: string, procs: Process[]): string {
  return replaceRows(text, PROCESS_TABLE_FILE, TABLE_HEADER, (lines) => {
    const written = new Map(lines.map((row) => [cells(row)[1]!, row]))
    // Rows of what is no process folder (the gateway) stay as written; those of a process gone go.
    const rows = [...written.values()].filter((row) => !/^`(app|tools)\//.test(cells(row)[2]!))
    for (const p of byDomain(procs)) {
      rows.push(
        `| ${p.name} | \`${p.dir}/\` | ${KIND_LABEL[p.kind as Exclude<Kind, 'tool'>]} | ${dash(servicePort(p))} | ${dash(p.metricsPort)} |`,
      )
    }
    for (const t of toolsByPort(procs)) {
      const kind = written.has(t.name) ? cells(written.get(t.name)!)[3] : 'HTTP'
      rows.push(`| ${t.name} | \`${t.dir}/\` | ${kind} | ${dash(t.port)} | ${dash(t.metricsPort)} |`)
    }
    return rows
  })
}

/** README.md's table of processes and ports, one row per domain, rendered like {@link processTable}. */
export const README_TABLE_FILE = 'README.md'
const README_HEADER = '| process | kind | port | metrics |'

/**
 * Rewrites README.md's process table: the rows that are no process (the gateway) as written, then one
 * row per domain (`identity-api / identity-rpc`, kinds, ports and metrics ports in the same order), then
 * the tools by port, each keeping the description written in its kind column.
 */
export function readmeProcessTable(text: string, procs: Process[]): string {
  return replaceRows(text, README_TABLE_FILE, README_HEADER, (lines) => {
    const written = new Map(lines.map((row) => [cells(row)[1]!, row]))
    const isProcessRow = (row: string) => /-(api|rpc|mq|scheduler)\b/.test(cells(row)[1]!) || cells(row)[2]!.startsWith('HTTP')
    const rows = [...written.values()].filter((row) => !isProcessRow(row))
    const domains = new Map<string, Process[]>()
    for (const p of byDomain(procs)) domains.set(p.domain, [...(domains.get(p.domain) ?? []), p])
    for (const ps of domains.values()) {
      const col = (f: (p: Process) => string) => ps.map(f).join(' / ')
      rows.push(
        `| ${col((p) => p.name)} | ${col((p) => KIND_LABEL[p.kind as Exclude<Kind, 'tool'>])} | ${col((p) => dash(servicePort(p)))} | ${col((p) => dash(p.metricsPort))} |`,
      )
    }
    for (const t of toolsByPort(procs)) {
      const kind = written.has(t.name) ? cells(written.get(t.name)!)[2] : 'HTTP'
      rows.push(`| ${t.name} | ${kind} | ${dash(t.port)} | ${dash(t.metricsPort)} |`)
    }
    return rows
  })
}

/** doc/metrics.md's table of metrics ports (what Prometheus scrapes). */
export const METRICS_TABLE_FILE = 'doc/metrics.md'
const METRICS_HEADER = '| process | metrics port | | process | metrics port |'

/**
 * Rewrites doc/metrics.md's metrics-port table, two processes a row: a domain's api beside its rpc, then
 * every other process with a metrics port in domain order, then the tools that have one.
 */
export function metricsPortTable(text: string, procs: Process[]): string {
  return replaceRows(text, METRICS_TABLE_FILE, METRICS_HEADER, () => {
    const pairs: [Process, Process | undefined][] = []
    const rest: Process[] = []
    const apps = byDomain(procs).filter((p) => p.metricsPort !== undefined)
    for (const p of apps) {
      const rpc = p.kind === 'api' ? apps.find((q) => q.domain === p.domain && q.kind === 'rpc') : undefined
      if (rpc) pairs.push([p, rpc])
      else if (!(p.kind === 'rpc' && apps.some((q) => q.domain === p.domain && q.kind === 'api'))) rest.push(p)
    }
    rest.push(...toolsByPort(procs).filter((t) => t.metricsPort !== undefined))
    for (let i = 0; i < rest.length; i += 2) pairs.push([rest[i]!, rest[i + 1]])
    const half = (p: Process | undefined) => (p ? [p.name, dash(p.metricsPort)] : ['', ''])
    return pairs.map(([a, b]) => `|${[...half(a), '', ...half(b)].map((c) => (c === '' ? ' ' : ` ${c} `)).join('|')}|`)
  })
}

/** Every doc table rendered from the registry: file → how its table is rewritten. */
export const PROCESS_TABLES: readonly { file: string; render: (text: string, procs: Process[]) => string }[] = [
  { file: PROCESS_TABLE_FILE, render: processTable },
  { file: README_TABLE_FILE, render: readmeProcessTable },
  { file: METRICS_TABLE_FILE, render: metricsPortTable },
]
