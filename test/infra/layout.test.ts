// The layout doc/adding-code.md describes, checked on every domain: the files each kind of process
// has, and the model packages' owners (a domain's model is read by its own processes only; other
// domains reach its data and constants through its rpc and the rpc's contract module).
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
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

test("no process depends on another domain's model package", () => {
  const crossing: string[] = []
  for (const p of processes) {
    const manifest = JSON.parse(readFileSync(join(root, p.dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      const model = /^@looklook\/(.+)-model$/.exec(dep)?.[1]
      if (model !== undefined && model !== p.domain) crossing.push(`${p.name} → ${dep}`)
    }
  }
  assert.deepEqual(crossing, [])
})
