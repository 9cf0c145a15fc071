// Helpers for the observability tests: the processes ./looklook discovers, JSON over HTTP, bounded polling.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)
export const ROOT = join(import.meta.dirname, '../..')

export const PROMETHEUS = 'http://127.0.0.1:9090'
export const JAEGER = 'http://127.0.0.1:16686'
export const BULL_BOARD = 'http://127.0.0.1:8980'

export interface DiscoveredProcess {
  name: string
  /** host:port of its Prometheus endpoint, when it has one. */
  metrics?: string
  metricsPath?: string
}

/** The processes scripts/apps.ts discovers, resolved with this runner's environment (test.env under ./looklook test). */
export async function discoveredProcesses(): Promise<DiscoveredProcess[]> {
  const { stdout } = await run(process.execPath, [join(ROOT, 'scripts/apps.ts'), 'list'], { cwd: ROOT })
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [name = '', , , probe, host, port, , metricsPath] = l.split('\t')
      return probe === 'http' ? { name, metrics: `${host}:${port}`, metricsPath } : { name }
    })
}

/** GETs a URL and parses its JSON body; throws on a non-200 answer. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

/**
 * Calls `probe` until it returns something other than undefined, at most `timeoutMs`; then throws with
 * `describe()` of the last state, so a failure says what was still missing.
 */
export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  describe: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : ''
      throw new Error(`${what}: not within ${timeoutMs} ms. ${describe()}${reason}`)
    }
    await sleep(250)
  }
}
