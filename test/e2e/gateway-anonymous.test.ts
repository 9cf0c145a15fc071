/**
 * The gateway's shortcut for anonymous reads of a wholly public prefix (`/travel/` in identity-api's
 * NoAuthUrls): without an Authorization header the request goes to the api as user 0 without asking
 * identity-api; with one, identity-api still decides, so a bad token stays a 401.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { post, registerUser } from '@looklook/testkit'

const DETAIL = '/travel/v1/homestay/homestayDetail'

/** How many verify requests identity-api has answered (its own metrics port). */
async function verifyCount(): Promise<number> {
  const text = await (await fetch('http://127.0.0.1:4001/metrics')).text()
  let sum = 0
  for (const m of text.matchAll(/^http_server_requests_code_total\{path="\/identity\/v1\/verify\/token"[^}]*\} (\d+)/gm))
    sum += Number(m[1])
  return sum
}

test('anonymous reads of /travel/ skip the verifier and reach the api as user 0', async () => {
  const before = await verifyCount()
  for (let i = 0; i < 10; i++) {
    const res = await post<{ homestay: { id: number } }>(DETAIL, { id: 1 }, { headers: { 'x-user': '7' } })
    assert.equal(res.status, 200, res.text)
    assert.equal(res.body.data?.homestay.id, 1)
  }
  assert.equal(await verifyCount(), before, 'identity-api was not asked')
})

test('a token on a public route is still verified: valid passes, bad is 401', async () => {
  const user = await registerUser()
  const before = await verifyCount()
  const good = await post(DETAIL, { id: 1 }, { token: user.accessToken })
  assert.equal(good.status, 200, good.text)
  const bad = await post(DETAIL, { id: 1 }, { token: `${user.accessToken}x` })
  assert.equal(bad.status, 401, bad.text)
  assert.equal(bad.body.code, 100003)
  assert.ok((await verifyCount()) >= before + 2, 'identity-api answered both')
})
