// The watcher behind `./looklook dev`: restarts an app process when its sources change, through
// `./looklook restart NAME` (the same stop and start as `up`, with the environment the app ran with).
//
//   node scripts/dev.ts NAME=DIR...   the apps to watch, as ./looklook lists them (scripts/apps.ts)
//
// Which apps a change restarts follows the workspace's package graph: a file under a package's src/,
// etc/, pb/ or gen/ restarts the app that package is, and every watched app that depends on it (its
// package.json `dependencies`, followed through other workspace packages). So an edit of
// app/travel/api/etc/travel-api.yaml restarts travel-api alone, one in app/travel/rpc/pb restarts
// travel-rpc and its callers, and one in common/ nearly every app. Restarts run one at a time, so the
// other processes keep serving; tests, package.json and node_modules are not watched.
import { spawn } from 'node:child_process'
import { existsSync, type FSWatcher, watch } from 'node:fs'
import { join, relative } from 'node:path'
import { dependencyClosure, SOURCE_DIRS, type WorkspacePackage, workspacePackages } from './workspace.ts'

const root = join(import.meta.dirname, '..')
/** Editors write a file several times for one save (temp file, rename, chmod): changes are taken together once quiet this long. */
const QUIET_MS = 300
const SOURCE = /\.(ts|js|mjs|cjs|json|ya?ml|proto)$/

function say(line: string): void {
  process.stdout.write(`==> ${line}\n`)
}

function warn(line: string): void {
  process.stderr.write(`!!  ${line}\n`)
}

/** Package name → the watched apps that are it or depend on it. */
function dependents(pkgs: WorkspacePackage[], apps: Map<string, string>): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>()
  for (const [app, dir] of apps) {
    for (const { name } of dependencyClosure(pkgs, dir)) {
      if (!result.has(name)) result.set(name, new Set())
      result.get(name)!.add(app)
    }
  }
  return result
}

const apps = new Map<string, string>()
for (const arg of process.argv.slice(2)) {
  const at = arg.indexOf('=')
  if (at <= 0) {
    console.error('usage: node scripts/dev.ts NAME=DIR...')
    process.exit(64)
  }
  apps.set(arg.slice(0, at), arg.slice(at + 1))
}

const pkgs = workspacePackages(root)
const affected = dependents(pkgs, apps)
const watchers: FSWatcher[] = []
for (const pkg of pkgs) {
  const restarts = affected.get(pkg.name)
  if (!restarts) continue
  for (const sub of SOURCE_DIRS) {
    const dir = join(pkg.dir, sub)
    if (!existsSync(dir)) continue
    let w: FSWatcher
    try {
      w = watch(dir, { recursive: true }, (_event, file) => {
        if (file && SOURCE.test(file) && !file.split('/').includes('node_modules')) changed(join(dir, file), restarts)
      })
    } catch (err) {
      // ENOSPC: the kernel's inotify watch limit (sysctl fs.inotify.max_user_watches) is used up.
      warn(`cannot watch ${relative(root, dir)}: ${(err as Error).message}`)
      process.exit(1)
    }
    w.on('error', (err) => warn(`watching ${relative(root, dir)}: ${err.message}`))
    watchers.push(w)
  }
}

/** App → the files changed since its last restart began, in the order they changed. */
const pending = new Map<string, string[]>()
let quiet: NodeJS.Timeout | undefined
const queue: string[] = []
let restarting: string | undefined
let stopping = false

function changed(file: string, restarts: Set<string>): void {
  if (stopping) return
  for (const app of restarts) {
    const files = pending.get(app) ?? []
    const rel = relative(root, file)
    if (!files.includes(rel)) files.push(rel)
    pending.set(app, files)
  }
  clearTimeout(quiet)
  quiet = setTimeout(() => {
    // Apps in discovery order (tools, rpcs, workers, apis), so a shared change reaches callees first.
    for (const app of apps.keys()) if (pending.has(app) && !queue.includes(app)) queue.push(app)
    next()
  }, QUIET_MS)
}

function next(): void {
  if (restarting || stopping) return
  const app = queue.shift()
  if (!app) return
  const files = pending.get(app) ?? []
  pending.delete(app)
  restarting = app
  const started = performance.now()
  // Its own process group: Ctrl-C reaches the watcher only, and a restart under way completes.
  const child = spawn(join(root, 'looklook'), ['restart', app], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (b: Buffer) => {
    output += b.toString()
  })
  child.stderr.on('data', (b: Buffer) => {
    output += b.toString()
  })
  child.on('close', (code) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const what = files.length > 1 ? `${files[0]} and ${files.length - 1} more` : (files[0] ?? 'a change')
    if (code === 0) {
      say(`restarted ${app} in ${seconds} s (${what})`)
    } else {
      process.stderr.write(output)
      warn(`${app} did not come back after ${seconds} s (${what}); it restarts again on the next change (./looklook logs ${app})`)
    }
    restarting = undefined
    if (stopping) finish()
    else next()
  })
}

function finish(): void {
  say('stopped watching; the stack keeps running (./looklook status shows it, ./looklook down stops it)')
  process.exit(0)
}

function stop(): void {
  if (stopping) return
  stopping = true
  clearTimeout(quiet)
  for (const w of watchers) w.close()
  if (restarting) say(`finishing the restart of ${restarting}`)
  else finish()
}

process.on('SIGINT', stop)
process.on('SIGTERM', stop)
say(
  `watching ${apps.size} apps (their src/ and etc/, and the workspace packages they import); ` +
    'a change restarts the apps it concerns one at a time. Ctrl-C stops watching and leaves the stack running',
)
