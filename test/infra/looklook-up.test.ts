// `./looklook up` on a running stack after one app crashed: only that app is started again, with the
// environment the others run with (here the test one), and every other process keeps its pid.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { waitFor } from '@looklook/testkit'
import { alive, runningApps } from './running.ts'

const root = join(import.meta.dirname, '../..')
const _run = join(root, 'data/run')
// The crash victim: the OpenAPI page, which no other test needs while it is restarting.
const VICTIM = 'api-docs'

function looklook(...args: string[]): string {
  return execFileSync(join(root, 'looklook'), args, { cwd: root, encoding: 'utf8', timeout: 240_000 })
}

test('up after one app crashed starts only that app, with the environment the others run with', async () => {
  const before = runningApps()
  const victim = before.get(VICTIM)
  assert.ok(victim, `${VICTIM} runs`)
  const stamp = victim.env
  assert.match(stamp, /^test [0-9a-f]{12}$/, 'the apps run with the test environment')
  for (const [name, app] of before) assert.equal(app.env, stamp, `${name} runs with the same environment`)

  process.kill(-victim.pid, 'SIGKILL')
  assert.ok(await waitFor(async () => !alive(victim.pid), { timeoutMs: 5_000, intervalMs: 50 }), `${VICTIM} is gone`)

  const out = looklook('up')
  assert.doesNotMatch(out, /restarting/, out)

  const after = runningApps()
  const restarted = after.get(VICTIM)
  assert.ok(restarted, `${VICTIM} runs again`)
  assert.notEqual(restarted.pid, victim.pid)
  assert.equal(restarted.env, stamp, `${VICTIM} came back with the environment the others run with`)
  for (const [name, app] of before) {
    if (name === VICTIM) continue
    assert.deepEqual(after.get(name), app, `${name} kept its process and environment`)
  }
  assert.match(looklook('status'), /^==> \d+ apps run with env test \(deploy\/local\/test\.env\)$/m)
})
