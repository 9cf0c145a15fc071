// The app processes `./looklook` runs, as the process registry (scripts/registry.ts) finds them: every
// app/<domain>/<kind>/ and tools/<name>/ directory holding src/main.ts and etc/*.yaml. Called by scripts/apps.sh with the
// deploy/local env file already in the environment, so ${ENV} references resolve as the process sees them.
//
//   node scripts/apps.ts list            one tab-separated line per process, in start order:
//                                        name  group  dir  probe  host  port  servicePort  metricsPath
//   node scripts/apps.ts wait SECS SPEC… waits until every SPEC (name,pid,probe,host,port) is ready;
//                                        prints `name<TAB>reason` for each one that died or timed out
import { connect } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { discover } from './registry.ts'

// LOOKLOOK_APPS_ROOT points discovery at another tree (the discovery test builds one in a temp dir).
const root = process.env.LOOKLOOK_APPS_ROOT || join(import.meta.dirname, '..')

function list(): void {
  const lines: string[] = []
  for (const p of discover({ root, env: process.env })) {
    const dir = join(root, p.dir)
    // `http`: GET /healthz on the Prometheus port answers 200; `tcp`: the service port accepts connections.
    // A worker that serves nothing else is reached on its metrics port.
    if (p.metricsPort !== undefined) {
      lines.push([p.name, p.group, dir, 'http', p.metricsHost, p.metricsPort, p.port ?? p.metricsPort, p.metricsPath].join('\t'))
    } else if (p.port !== undefined) {
      lines.push([p.name, p.group, dir, 'tcp', p.host, p.port, p.port, '-'].join('\t'))
    } else {
      throw new Error(`${p.etc}: no Prometheus.Port, Port or ListenOn to tell when ${p.name} is ready`)
    }
  }
  if (lines.length > 0) console.log(lines.join('\n'))
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
  list()
} else if (command === 'wait') {
  const [seconds = '40', ...specs] = args
  await wait(Number(seconds), specs)
} else {
  console.error('usage: node scripts/apps.ts list | wait SECONDS name,pid,probe,host,port...')
  process.exit(64)
}
