/**
 * A dependency outage through the gateway: travel-rpc killed → travel-api answers 503 with
 * Retry-After and the `{code,msg}` envelope (never 400, never 500), and once travel-rpc is back the
 * route is at full success within 3 s (the rpc client's reconnect and both breakers recover).
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ROOT } from './booking-kit.ts'

const URL_DETAIL = 'http://127.0.0.1:8888/travel/v1/homestay/homestayDetail'
// The recovery the issue of record asks for: full success within 3 s of the dependency's return.
const RECOVERY_MS = 3000

interface Answer {
  at: number
  status: number
  retryAfter: string | null
  body: { code?: number; msg?: string }
}

async function detail(): Promise<Answer> {
  const res = await fetch(URL_DETAIL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":1}' })
  const text = await res.text()
  let body: Answer['body'] = {}
  try {
    body = JSON.parse(text) as Answer['body']
  } catch {
    assert.fail(`not JSON (status ${res.status}): ${text.slice(0, 200)}`)
  }
  return { at: performance.now(), status: res.status, retryAfter: res.headers.get('retry-after'), body }
}

function startApps(): void {
  // The apps' own start function with the test environment: starts what is down, waits for readiness.
  execFileSync('bash', ['-c', 'set -euo pipefail; ROOT=$PWD; source scripts/lib.sh; source scripts/apps.sh; apps_up test'], {
    cwd: ROOT,
    stdio: 'ignore',
    timeout: 120_000,
  })
}

after(() => startApps())

test('travel-rpc killed → 503 with Retry-After; full success within 3 s of its return', async () => {
  const before = await detail()
  assert.equal(before.status, 200, `healthy first: ${JSON.stringify(before.body)}`)

  execFileSync(`${ROOT}looklook`, ['down', 'travel-rpc'], { cwd: ROOT, stdio: 'ignore' })
  const outage: Answer[] = []
  for (let i = 0; i < 40; i++) {
    outage.push(await detail())
    await sleep(25)
  }
  for (const a of outage) {
    assert.equal(a.status, 503, `an outage is 503, got ${a.status} ${JSON.stringify(a.body)}`)
    assert.equal(a.retryAfter, '1', 'with Retry-After')
    assert.equal(a.body.code, 100001)
    assert.equal(typeof a.body.msg, 'string')
  }

  startApps()
  const back = performance.now()
  // Two clients keep asking for 5 s; the last failure must fall within the recovery time.
  const answers: Answer[] = []
  await Promise.all(
    [0, 1].map(async () => {
      while (performance.now() - back < RECOVERY_MS + 2000) {
        answers.push(await detail())
        await sleep(10)
      }
    }),
  )
  const failures = answers.filter((a) => a.status !== 200)
  for (const f of failures) assert.equal(f.status, 503, `only 503s while recovering: ${f.status} ${JSON.stringify(f.body)}`)
  const lastFailure = failures.reduce((t, a) => Math.max(t, a.at - back), 0)
  assert.ok(
    lastFailure <= RECOVERY_MS,
    `last failure ${Math.round(lastFailure)} ms after travel-rpc was back (${failures.length} failures)`,
  )
  const tail = answers.filter((a) => a.at - back > RECOVERY_MS)
  assert.ok(tail.length >= 20, `enough requests after the recovery time (${tail.length})`)
  assert.ok(
    tail.every((a) => a.status === 200 && a.body.code === 200),
    'every request after it succeeds',
  )
})
