// The gateway that ./looklook up runs on :8888: JSON answers for what nginx decides itself.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { envelope, send } from './http.ts'

const gateway = 'http://127.0.0.1:8888'
const identityApiExists = existsSync(join(import.meta.dirname, '../../app/identity/api/src/main.ts'))

test('the gateway reports itself healthy', async () => {
  const reply = await send(`${gateway}/healthz`, { method: 'GET' })
  assert.equal(reply.status, 200)
  assert.equal(envelope(reply).code, 200)
})

test('an unknown path gets a JSON 404 envelope', async () => {
  const reply = await send(`${gateway}/no/such/route`, { body: '{}' })
  assert.equal(reply.status, 404)
  assert.deepEqual(envelope(reply), { code: 100001, msg: 'route not found' })
})

test('a body beyond 1 MiB gets a JSON 400 envelope, not nginx 413 HTML', async () => {
  const reply = await send(`${gateway}/usercenter/v1/user/register`, {
    headers: { 'content-type': 'application/json' },
    body: Buffer.alloc(2 * 1024 * 1024, 0x20),
  })
  assert.equal(reply.status, 400)
  assert.deepEqual(envelope(reply), { code: 100002, msg: 'request body too large' })
})

test('a bad token is refused with JSON (401 from identity-api; 500 while it does not exist)', async () => {
  const reply = await send(`${gateway}/usercenter/v1/user/detail`, {
    headers: { authorization: 'Bearer not-a-jwt', 'content-type': 'application/json' },
    body: '{}',
  })
  if (identityApiExists) {
    assert.equal(reply.status, 401)
    assert.deepEqual(envelope(reply), { code: 100003, msg: 'token is invalid or expired, please log in again' })
  } else {
    assert.equal(reply.status, 500)
    assert.equal(envelope(reply).code, 100001)
  }
})
