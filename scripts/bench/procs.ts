// The processes a bench run measures, from the pid files ./looklook writes (data/run/*.pid), and their
// CPU and memory from /proc. A piece counts with its whole process tree (nginx: master and workers).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type ProcessUsage, statTicks, vmRssKiB } from './core.ts'

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

export interface Piece {
  name: string
  pid: number
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}/stat`)
}

/** name → pid of every live piece recorded in the given pid-file directories (later ones win). */
export function runningPieces(runDirs: string[]): Map<string, number> {
  const found = new Map<string, number>()
  for (const dir of runDirs) {
    if (!existsSync(dir)) continue
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.pid')) continue
      const pid = Number(read(join(dir, f))?.trim())
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) found.set(f.slice(0, -4), pid)
    }
  }
  // MariaDB writes its own pid file beside ours: the same process under two names.
  if (found.get('mariadbd') === found.get('mysql')) found.delete('mariadbd')
  return found
}

/** Whether a process was started with a non-empty OTEL_ENDPOINT (its spans go to Jaeger). */
export function tracing(pid: number): boolean {
  const env = read(`/proc/${pid}/environ`) ?? ''
  return env.split('\0').some((kv) => kv.startsWith('OTEL_ENDPOINT=') && kv.length > 'OTEL_ENDPOINT='.length)
}

/**
 * The pieces a request of the stack crosses, as the performance figures count them: nginx, every api
 * and rpc, Redis, MariaDB, Jaeger when the apps export spans, and a dtm server when one runs.
 */
export function stackPieces(running: Map<string, number>): Piece[] {
  const pieces: Piece[] = []
  const traced = [...running].some(([name, pid]) => /-(api|rpc)$/.test(name) && tracing(pid))
  for (const [name, pid] of running) {
    if (/-(api|rpc)$/.test(name) || ['nginx', 'redis', 'mysql'].includes(name) || name.startsWith('dtm') || (name === 'jaeger' && traced)) {
      pieces.push({ name, pid })
    }
  }
  return pieces.sort((a, b) => a.name.localeCompare(b.name))
}

function childrenOf(): Map<number, number[]> {
  const kids = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = read(`/proc/${entry}/stat`)
    if (!stat) continue
    const { ppid } = statTicks(stat)
    const list = kids.get(ppid) ?? []
    list.push(Number(entry))
    kids.set(ppid, list)
  }
  return kids
}

function tree(pid: number, kids: Map<number, number[]>): number[] {
  const out = [pid]
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]!) ?? []))
  return out
}

export interface Sample {
  ticks: Map<string, number>
  rssKiB: Map<string, number>
}

/** CPU ticks (utime+stime, plus reaped children) and RSS of each piece's process tree, now. */
export function sample(pieces: Piece[]): Sample {
  const kids = childrenOf()
  const ticks = new Map<string, number>()
  const rssKiB = new Map<string, number>()
  for (const p of pieces) {
    let t = 0
    let rss = 0
    for (const pid of tree(p.pid, kids)) {
      const stat = read(`/proc/${pid}/stat`)
      if (stat) t += statTicks(stat).ticks
      rss += vmRssKiB(read(`/proc/${pid}/status`) ?? '')
    }
    ticks.set(p.name, t)
    rssKiB.set(p.name, rss)
  }
  return { ticks, rssKiB }
}

/** What each piece spent between two samples. */
export function usage(pieces: Piece[], before: Sample, after: Sample): ProcessUsage[] {
  return pieces.map((p) => ({
    name: p.name,
    cpuMs: (((after.ticks.get(p.name) ?? 0) - (before.ticks.get(p.name) ?? 0)) * 1000) / CLK_TCK,
    rssBeforeMiB: Math.round((before.rssKiB.get(p.name) ?? 0) / 1024),
    rssAfterMiB: Math.round((after.rssKiB.get(p.name) ?? 0) / 1024),
  }))
}
