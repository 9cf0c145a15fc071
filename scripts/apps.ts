// The app processes `./looklook` runs, discovered rather than listed: every app/<domain>/<kind>/ and
// tools/<name>/ directory holding src/main.ts and etc/*.yaml. Called by scripts/apps.sh with the
// deploy/local env file already in the environment, so ${ENV} references resolve as the process sees them.
//
//   node scripts/apps.ts list            one tab-separated line per process, in start order:
//                                        name  group  dir  probe  host  port  servicePort  metricsPath
//   node scripts/apps.ts wait SECS SPEC… waits until every SPEC (name,pid,probe,host,port) is ready;
//                                        prints `name<TAB>reason` for each one that died or timed out
import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { basename, join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { interpolate } from '@looklook/conf'
import { parse } from 'yaml'

// LOOKLOOK_APPS_ROOT points discovery at another tree (the discovery test builds one in a temp dir).
const root = process.env.LOOKLOOK_APPS_ROOT || join(import.meta.dirname, '..')

/** Start order: helpers the services call, then rpcs, then workers, then the apis nginx routes to. */
const groups = ['tools', 'rpc', 'worker', 'api'] as const
type Group = (typeof groups)[number]

interface App {
  name: string
  group: Group
  dir: string
  /** `http`: GET /healthz on the Prometheus port answers 200; `tcp`: the service port accepts connections. */
  probe: 'http' | 'tcp'
  host: string
  port: number
  /** The port clients use (Port or ListenOn), or the metrics port for workers that serve nothing else. */
  servicePort: number
  /** Prometheus.Path, what scripts/prometheus.sh scrapes; `-` for a process without a Prometheus port. */
  metricsPath: string
}

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'node_modules')
    .map((d) => join(dir, d.name))
    .sort()
}

function candidates(): { dir: string; group: Group }[] {
  const found: { dir: string; group: Group }[] = subdirs(join(root, 'tools')).map((dir) => ({ dir, group: 'tools' }))
  for (const domain of subdirs(join(root, 'app'))) {
    for (const dir of subdirs(domain)) {
      const kind = basename(dir)
      found.push({ dir, group: kind === 'rpc' ? 'rpc' : kind === 'api' ? 'api' : 'worker' })
    }
  }
  return found
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function portOf(value: unknown): number | undefined {
  const n = Number(typeof value === 'string' ? value.split(':').pop() : value)
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined
}

function hostOf(listenOn: unknown): string {
  const host = typeof listenOn === 'string' && listenOn.includes(':') ? listenOn.slice(0, listenOn.lastIndexOf(':')) : ''
  // A server bound to every interface is still reached on loopback.
  return host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
}

async function describe(dir: string, group: Group): Promise<App | undefined> {
  if (!existsSync(join(dir, 'src', 'main.ts')) || !existsSync(join(dir, 'etc'))) return undefined
  const yamls = readdirSync(join(dir, 'etc'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
  const file = yamls[0]
  if (file === undefined) return undefined
  const path = join(dir, 'etc', file)
  const conf = asRecord(parse(interpolate(await readFile(path, 'utf8'), process.env, relative(root, path))))
  const name = file.replace(/\.ya?ml$/, '')
  const prometheus = asRecord(conf.Prometheus)
  const metricsPort = portOf(prometheus.Port)
  const servicePort = portOf(conf.Port) ?? portOf(conf.ListenOn)
  const serviceHost = conf.Port !== undefined ? hostOf(`${String(conf.Host ?? '')}:0`) : hostOf(conf.ListenOn)
  if (metricsPort !== undefined) {
    const host = hostOf(`${String(prometheus.Host ?? '')}:0`)
    const metricsPath = typeof prometheus.Path === 'string' && prometheus.Path.startsWith('/') ? prometheus.Path : '/metrics'
    return { name, group, dir, probe: 'http', host, port: metricsPort, servicePort: servicePort ?? metricsPort, metricsPath }
  }
  if (servicePort !== undefined) {
    return { name, group, dir, probe: 'tcp', host: serviceHost, port: servicePort, servicePort, metricsPath: '-' }
  }
  throw new Error(`${relative(root, path)}: no Prometheus.Port, Port or ListenOn to tell when ${name} is ready`)
}

async function list(): Promise<void> {
  const apps: App[] = []
  for (const { dir, group } of candidates()) {
    const app = await describe(dir, group)
    if (app) apps.push(app)
  }
  apps.sort((a, b) => groups.indexOf(a.group) - groups.indexOf(b.group) || a.name.localeCompare(b.name))
  for (const a of apps) {
    console.log([a.name, a.group, a.dir, a.probe, a.host, a.port, a.servicePort, a.metricsPath].join('\t'))
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function httpReady(host: string, port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(1000) })
    await res.body?.cancel()
    return res.status === 200
  } catch {
    return false
  }
}

function tcpReady(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

async function wait(seconds: number, specs: string[]): Promise<void> {
  const pending = specs.map((spec) => {
    const [name = '', pid = '', probe = '', host = '', port = ''] = spec.split(',')
    return { name, pid: Number(pid), probe, host, port: Number(port) }
  })
  const failed: string[] = []
  const deadline = Date.now() + seconds * 1000
  // Every process gets its full chance: one that dies does not stop the wait for the others.
  while (pending.length > 0) {
    for (let i = pending.length - 1; i >= 0; i--) {
      const p = pending[i]!
      const ready = p.probe === 'http' ? await httpReady(p.host, p.port) : await tcpReady(p.host, p.port)
      if (ready) {
        pending.splice(i, 1)
      } else if (!alive(p.pid)) {
        failed.push(`${p.name}\texited during start-up`)
        pending.splice(i, 1)
      }
    }
    if (pending.length === 0) break
    if (Date.now() > deadline) {
      for (const p of pending) failed.push(`${p.name}\tnot ready after ${seconds}s (${p.probe} ${p.host}:${p.port})`)
      break
    }
    await sleep(250)
  }
  if (failed.length > 0) {
    console.log(failed.join('\n'))
    process.exit(2)
  }
}

const [command, ...args] = process.argv.slice(2)
if (command === 'list') {
  await list()
} else if (command === 'wait') {
  const [seconds = '40', ...specs] = args
  await wait(Number(seconds), specs)
} else {
  console.error('usage: node scripts/apps.ts list | wait SECONDS name,pid,probe,host,port...')
  process.exit(64)
}
