/**
 * Identity and usercenter end to end, through the nginx gateway on :8888 (issue 2).
 */
import assert from 'node:assert/strict'
import { createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { parseConfig, Type } from '@looklook/conf'
import { post, registerUser, request, type TokenTriple, uniqueMobile } from '@looklook/testkit'
import type { UserDetailResp } from '../../app/usercenter/api/src/schemas/user.ts'

/** The JWT secret the running identity services use, read from their own config (same env interpolation). */
const secret = parseConfig(
  Type.Object({ JwtAuth: Type.Object({ AccessSecret: Type.String() }) }),
  readFileSync(new URL('../../app/identity/api/etc/identity-api.yaml', import.meta.url), 'utf8'),
).JwtAuth.AccessSecret

function b64url(v: string | Buffer): string {
  return Buffer.from(v).toString('base64url')
}

/** Signs an HS256 JWT by hand, so the tests don't share code with the service they check. */
function signJwt(claims: Record<string, unknown>, key: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const body = b64url(JSON.stringify(claims))
  const sig = createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')
  return `${head}.${body}.${sig}`
}

function userIdOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jwtUserId: number }
  return payload.jwtUserId
}

function assertUnauthorized(res: { status: number; body: { code: number }; headers: Headers }, what: string) {
  assert.equal(res.status, 401, `${what}: status`)
  assert.equal(res.body.code, 100003, `${what}: code`)
  assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${what}: content-type`)
}

describe('register, login, detail, logout', () => {
  test('register → login → detail → logout → 401', async () => {
    const mobile = uniqueMobile()
    const reg = await post<TokenTriple>('/usercenter/v1/user/register', { mobile, password: 'pass-word-1' })
    assert.equal(reg.status, 200, reg.text)
    assert.equal(reg.body.code, 200)
    const now = Math.floor(Date.now() / 1000)
    assert.ok(reg.body.data!.accessExpire > now)
    assert.ok(reg.body.data!.refreshAfter > now && reg.body.data!.refreshAfter < reg.body.data!.accessExpire)

    const login = await post<TokenTriple>('/usercenter/v1/user/login', { mobile, password: 'pass-word-1' })
    assert.equal(login.status, 200, login.text)
    const token = login.body.data!.accessToken

    const detail = await post<UserDetailResp>('/usercenter/v1/user/detail', {}, { token })
    assert.equal(detail.status, 200, detail.text)
    assert.equal(detail.body.data!.userInfo.mobile, mobile)
    assert.equal(detail.body.data!.userInfo.id, userIdOf(token))
    assert.equal('password' in detail.body.data!.userInfo, false)

    const bearer = await post('/usercenter/v1/user/detail', {}, { token: `Bearer ${token}` })
    assert.equal(bearer.status, 200, 'Bearer prefix is accepted')

    const logout = await post('/usercenter/v1/user/logout', {}, { token })
    assert.equal(logout.status, 200, logout.text)
    assertUnauthorized(await post('/usercenter/v1/user/detail', {}, { token }), 'token after logout')
  })

  test('wrong password and unknown mobile are rejected with a business error', async () => {
    const u = await registerUser('right-pass-1')
    const wrong = await post('/usercenter/v1/user/login', { mobile: u.mobile, password: 'wrong-pass-1' })
    assert.equal(wrong.status, 400)
    assert.notEqual(wrong.body.code, 200)
    const unknown = await post('/usercenter/v1/user/login', { mobile: uniqueMobile(), password: 'whatever-1' })
    assert.equal(unknown.status, 400)
    assert.equal(unknown.body.msg, wrong.body.msg, 'no user enumeration through the message')
  })

  test('a second login revokes the first token', async () => {
    const u = await registerUser()
    const first = await post<TokenTriple>('/usercenter/v1/user/login', { mobile: u.mobile, password: u.password })
    const second = await post<TokenTriple>('/usercenter/v1/user/login', { mobile: u.mobile, password: u.password })
    assert.notEqual(first.body.data!.accessToken, second.body.data!.accessToken)
    assertUnauthorized(await post('/usercenter/v1/user/detail', {}, { token: first.body.data!.accessToken }), 'first token')
    assert.equal((await post('/usercenter/v1/user/detail', {}, { token: second.body.data!.accessToken })).status, 200)
  })

  test('20 concurrent registers of one mobile → exactly 1 success', async () => {
    const mobile = uniqueMobile()
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post('/usercenter/v1/user/register', { mobile, password: 'race-pass-1' })),
    )
    const ok = results.filter((r) => r.status === 200 && r.body.code === 200)
    assert.equal(ok.length, 1, results.map((r) => `${r.status} ${r.text}`).join('\n'))
    for (const r of results) assert.ok(r.status < 500, `no 5xx: ${r.status} ${r.text}`)
    const again = await post('/usercenter/v1/user/register', { mobile, password: 'race-pass-1' })
    assert.equal(again.status, 400)
  })
})

describe('gateway authentication', () => {
  test('a public route without a token passes with x-user 0', async () => {
    const res = await request('/identity/v1/verify/token', undefined, {
      method: 'GET',
      baseUrl: 'http://127.0.0.1:8001',
      headers: { 'x-original-uri': '/travel/v1/homestay/homestayList' },
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('x-user'), '0')
    // and through the gateway a public route answers without a token
    const login = await post('/usercenter/v1/user/login', { mobile: uniqueMobile(), password: 'nobody-1' })
    assert.equal(login.status, 400, 'reached usercenter-api (business error), not stopped by the gateway')
  })

  test('a client-sent x-user header is ignored', async () => {
    const a = await registerUser()
    const b = await registerUser()
    const res = await post<UserDetailResp>(
      '/usercenter/v1/user/detail',
      {},
      { token: a.accessToken, headers: { 'x-user': String(userIdOf(b.accessToken)) } },
    )
    assert.equal(res.status, 200)
    assert.equal(res.body.data!.userInfo.mobile, a.mobile)
    const anonymous = await post('/usercenter/v1/user/detail', {}, { headers: { 'x-user': String(userIdOf(b.accessToken)) } })
    assertUnauthorized(anonymous, 'x-user without token')
  })

  test('missing, malformed, wrong-secret and expired tokens → 401 {code:100003}', async () => {
    const u = await registerUser()
    const id = userIdOf(u.accessToken)
    const now = Math.floor(Date.now() / 1000)
    assertUnauthorized(await post('/usercenter/v1/user/detail', {}), 'missing')
    assertUnauthorized(await post('/usercenter/v1/user/detail', {}, { token: 'not-a-jwt' }), 'malformed')
    assertUnauthorized(
      await post('/usercenter/v1/user/detail', {}, { token: `Bearer ${randomBytes(40).toString('base64url')}` }),
      'garbage',
    )
    const wrongSecret = signJwt({ iat: now, exp: now + 3600, jwtUserId: id }, `${secret}-not`)
    assertUnauthorized(await post('/usercenter/v1/user/detail', {}, { token: wrongSecret }), 'wrong secret')
    const expired = signJwt({ iat: now - 7200, exp: now - 3600, jwtUserId: id }, secret)
    assertUnauthorized(await post('/usercenter/v1/user/detail', {}, { token: expired }), 'expired')
    const forged = signJwt({ iat: now, exp: now + 3600, jwtUserId: id }, secret)
    assertUnauthorized(await post('/usercenter/v1/user/detail', {}, { token: forged }), 'validly signed but not the issued token')
    assertUnauthorized(
      await post('/usercenter/v1/user/login', { mobile: u.mobile, password: u.password }, { token: 'junk' }),
      'public route, bad token',
    )
  })
})

describe('bad input → 400 / 100002, never 5xx', () => {
  const cases: Array<[string, { rawBody?: string; body?: unknown; headers?: Record<string, string> }]> = [
    ['malformed JSON', { rawBody: '{"mobile": "1380000' }],
    ['wrong types', { body: { mobile: 13800000000, password: true } }],
    ['missing fields', { body: { mobile: '13800000000' } }],
    ['empty body', { rawBody: '' }],
    ['array body', { rawBody: '[]' }],
    ['bad mobile', { body: { mobile: 'abc', password: 'pass-word-1' } }],
    ['oversized body', { body: { mobile: '13800000000', password: 'x'.repeat(2 * 1024 * 1024) } }],
    ['not JSON content type', { rawBody: 'mobile=1', headers: { 'content-type': 'text/plain' } }],
  ]
  for (const [name, c] of cases) {
    test(name, async () => {
      const res = await post('/usercenter/v1/user/register', c.body, { rawBody: c.rawBody, headers: c.headers })
      assert.equal(res.status, 400, `${name}: ${res.status} ${res.text.slice(0, 200)}`)
      assert.equal(res.body.code, 100002, `${name}: ${res.text.slice(0, 200)}`)
    })
  }

  test('bad input on an authenticated route', async () => {
    const u = await registerUser()
    const res = await post('/usercenter/v1/user/detail', undefined, { token: u.accessToken, rawBody: '{oops' })
    assert.equal(res.status, 400)
    assert.equal(res.body.code, 100002)
  })
})
