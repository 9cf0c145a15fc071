// The processes `./looklook up` runs, read from its pid files in data/run, for tests that watch apps
// being restarted.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const run = join(import.meta.dirname, '../../data/run')
const INFRA = new Set(['mysql', 'mariadbd', 'redis', 'kafka', 'jaeger', 'dtm', 'nginx', 'prometheus'])

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Every running app `up` started: name → pid and the env stamp it was started with. */
export function runningApps(): Map<string, { pid: number; env: string }> {
  const found = new Map<string, { pid: number; env: string }>()
  for (const file of readdirSync(run)) {
    const name = file.replace(/\.pid$/, '')
    if (!file.endsWith('.pid') || INFRA.has(name)) continue
    const pid = Number(readFileSync(join(run, file), 'utf8').trim())
    const envFile = join(run, `${name}.env`)
    if (alive(pid)) found.set(name, { pid, env: existsSync(envFile) ? readFileSync(envFile, 'utf8').trim() : '' })
  }
  return found
}
