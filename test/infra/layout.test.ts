// The layout doc/adding-code.md describes, checked on every domain: the files each kind of process
// has, and the model packages' owners (a domain's model is read by its rpc alone; its api and workers,
// and other domains, reach its data through the rpc and its constants through the rpc's contract module).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { test } from 'node:test'
import { discover } from '../../scripts/registry.ts'

const root = join(import.meta.dirname, '../..')
const processes = discover().filter((p) => p.kind !== 'tool')

test('every api and rpc has the files of its kind', () => {
  const wanted: Record<string, string[]> = {
    api: ['main.ts', 'server.ts', 'config.ts', 'svc-context.ts', 'routes', 'logic'],
    rpc: ['main.ts', 'server.ts', 'config.ts', 'svc-context.ts', 'client.ts', 'handlers'],
  }
  const missing: string[] = []
  for (const p of processes) {
    for (const file of wanted[p.kind] ?? []) if (!existsSync(join(root, p.dir, 'src', file))) missing.push(`${p.dir}/src/${file}`)
  }
  assert.deepEqual(missing, [])
})

/** The domain whose model package `spec` (imported from `file`) is, if it is one: by package name or by a relative path into app/<domain>/model/. */
function modelOf(file: string, spec: string): string | undefined {
  const byName = /^@looklook\/([a-z0-9-]+)-model(?:\/|$)/.exec(spec)?.[1]
  if (byName !== undefined) return byName
  if (!spec.startsWith('.')) return undefined
  return /^app\/([^/]+)\/model\//.exec(
    relative(root, resolve(root, dirname(file), spec))
      .split(sep)
      .join('/'),
  )?.[1]
}

/** Where a file may read `domain`'s model from: the model itself, the domain's rpc, and the domain's own tests (their fixtures make rows). */
function mayReadModel(file: string, domain: string): boolean {
  const m = /^app\/([^/]+)\/([^/]+)\/(.*)$/.exec(file)
  if (!m || m[1] !== domain) return false
  return m[2] === 'model' || m[2] === 'rpc' || m[3]?.startsWith('test/') === true
}

test("a domain's model package is read by its rpc alone (and by the domain's own tests)", () => {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '*.ts', '*.tsx'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)))
  const crossing: string[] = []
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const domain = spec === undefined ? undefined : modelOf(file, spec)
      if (domain !== undefined && !mayReadModel(file, domain)) crossing.push(`${file} → ${spec}`)
    }
  }
  assert.deepEqual(crossing, [])
})

test("only a domain's rpc lists its model package as a dependency; other processes of the domain at most as a dev dependency", () => {
  const crossing: string[] = []
  for (const p of processes) {
    const manifest = JSON.parse(readFileSync(join(root, p.dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>
      devDependencies?: Record<string, string>
    }
    for (const [field, deps] of [
      ['dependencies', manifest.dependencies],
      ['devDependencies', manifest.devDependencies],
    ] as const) {
      for (const dep of Object.keys(deps ?? {})) {
        const model = /^@looklook\/(.+)-model$/.exec(dep)?.[1]
        if (model === undefined) continue
        const allowed = model === p.domain && (p.kind === 'rpc' || field === 'devDependencies')
        if (!allowed) crossing.push(`${p.name} ${field} → ${dep}`)
      }
    }
  }
  assert.deepEqual(crossing, [])
})

test('an api loads no MySQL driver: its data comes through rpcs, the row mappings and constants it imports carry none', () => {
  // The modules a running api has loaded once built; @looklook/model loads mysql2 with the first pool only.
  const probe = `
    import { createRequire } from 'node:module'
    await import(new URL('src/server.ts', 'file://' + process.cwd() + '/'))
    await import(new URL('src/svc-context.ts', 'file://' + process.cwd() + '/'))
    const files = Object.keys(createRequire(process.cwd() + '/').cache)
    process.stdout.write(JSON.stringify(files.filter((f) => f.includes('/node_modules/mysql2/'))))`
  const loading: string[] = []
  for (const p of processes.filter((q) => q.kind === 'api')) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: join(root, p.dir), encoding: 'utf8' })
    const driverFiles = JSON.parse(out) as string[]
    if (driverFiles.length > 0) loading.push(`${p.name}: ${driverFiles.length} files of mysql2`)
  }
  assert.deepEqual(loading, [])
})
