// The workspace's package graph, read from the packages' package.json: which workspace packages a process
// imports. `./looklook dev` restarts an app when one of them changes (scripts/dev.ts), and so does each
// Compose service's `develop.watch` (scripts/gen-deploy.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface WorkspacePackage {
  name: string
  /** Absolute folder. */
  dir: string
  /** The names in its package.json `dependencies`, workspace packages or not. */
  deps: string[]
}

/** The folders under a package that hold what a process loads: its code and its rpc contracts. */
export const SOURCE_DIRS = ['src', 'etc', 'pb', 'gen']

/** Every package under common/, tools/ and app/<domain>/ of the checkout at root. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const children = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory() && d.name !== 'node_modules')
          .map((d) => join(dir, d.name))
      : []
  const dirs = [...children(join(root, 'common')), ...children(join(root, 'tools'))]
  for (const domain of children(join(root, 'app'))) dirs.push(...children(domain))
  const pkgs: WorkspacePackage[] = []
  for (const dir of dirs) {
    const file = join(dir, 'package.json')
    if (!existsSync(file)) continue
    const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; dependencies?: Record<string, string> }
    if (json.name) pkgs.push({ name: json.name, dir, deps: Object.keys(json.dependencies ?? {}) })
  }
  return pkgs
}

/** The package in dir and the workspace packages it depends on, followed through theirs; the own one first. */
export function dependencyClosure(pkgs: WorkspacePackage[], dir: string): WorkspacePackage[] {
  const own = pkgs.find((p) => p.dir === dir)
  if (!own) return []
  const byName = new Map(pkgs.map((p) => [p.name, p]))
  const seen = new Map([[own.name, own]])
  const todo = [own]
  for (let p = todo.pop(); p; p = todo.pop()) {
    for (const dep of p.deps) {
      const d = byName.get(dep)
      if (d && !seen.has(d.name)) {
        seen.set(d.name, d)
        todo.push(d)
      }
    }
  }
  return [...seen.values()]
}
