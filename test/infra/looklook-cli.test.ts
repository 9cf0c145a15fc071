// ./looklook status against what `up` left running: every infrastructure piece is up with the pid its
// pid file names.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { discoveredProcesses } from '../observability/support.ts'

const run = promisify(execFile)
const root = join(import.meta.dirname, '../..')

test('status lists each infrastructure piece as up with its port and pid', async () => {
  const { stdout } = await run(join(root, 'looklook'), ['status'], { cwd: root })
  const rows = new Map(
    stdout
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('==>'))
      .map((l) => l.trim().split(/\s+/))
      .map((cols) => [cols[0], cols] as const),
  )
  assert.deepEqual(rows.get('NAME'), ['NAME', 'STATE', 'PORT', 'PID'])
  for (const [name, port] of [
    ['mysql', '3306'],
    ['redis', '6379'],
    ['kafka', '9092'],
    ['nginx', '8888'],
  ] as const) {
    const pid = readFileSync(join(root, 'data/run', `${name}.pid`), 'utf8').trim()
    assert.deepEqual(rows.get(name), [name, 'up', port, pid])
  }
})

test('every app process runs with the V8 and malloc settings scripts/apps.sh gives it', async () => {
  const names = (await discoveredProcesses()).map((p) => p.name)
  assert.ok(names.length > 10, `only ${names.length} apps listed`)
  const wrong: string[] = []
  for (const name of names) {
    const pid = readFileSync(join(root, 'data/run', `${name}.pid`), 'utf8').trim()
    const env = new Set(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0'))
    for (const setting of ['NODE_OPTIONS=--max-semi-space-size=4', 'MALLOC_ARENA_MAX=1'])
      if (!env.has(setting)) wrong.push(`${name}: no ${setting}`)
  }
  assert.deepEqual(wrong, [])
})

test('help names every command', async () => {
  const { stdout } = await run(join(root, 'looklook'), ['help'], { cwd: root })
  for (const cmd of ['up', 'dev', 'restart', 'down', 'status', 'logs', 'test', 'gen', 'new', 'bench'])
    assert.match(stdout, new RegExp(`^  ${cmd}\\b`, 'm'))
})
