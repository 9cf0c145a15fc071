// identity-api unable to answer (stopped with SIGSTOP for a few seconds, continued whatever happens):
// the gateway answers 503 JSON with Retry-After on every route, public ones too, never 500, and proxies
// nothing meanwhile.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { envelope, send } from '../infra/http.ts'

const pidFile = join(import.meta.dirname, '../../data/run/identity-api.pid')

test('identity-api not answering is a 503 JSON with Retry-After at the gateway, and it works again after', async () => {
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  assert.ok(pid > 0, `no identity-api pid in ${pidFile}`)
  const json = { 'content-type': 'application/json' }
  process.kill(pid, 'SIGSTOP')
  try {
    const replies = await Promise.all([
      send('http://127.0.0.1:8888/usercenter/v1/user/register', { headers: json, body: '{}' }),
      send('http://127.0.0.1:8888/usercenter/v1/user/detail', { headers: { ...json, authorization: 'Bearer x' }, body: '{}' }),
    ])
    for (const reply of replies) {
      assert.equal(reply.status, 503, reply.text)
      assert.equal(reply.headers['retry-after'], '5')
      assert.deepEqual(envelope(reply), { code: 100001, msg: 'server is busy, please try again later' })
    }
  } finally {
    process.kill(pid, 'SIGCONT')
  }
  // Continued, it answers again (the api's own validation answer on a public route).
  const after = await send('http://127.0.0.1:8888/usercenter/v1/user/register', { headers: json, body: '{}' })
  assert.equal(after.status, 400, after.text)
})
