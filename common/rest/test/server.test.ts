import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { httpServerCodeTotal, httpServerDuration } from '@looklook/metrics'
import { CodeError, ErrCode } from '@looklook/xerr'
import { Type } from '@sinclair/typebox'
import { ctxOf, markDraining, type RequestCtx } from '../src/index.ts'
import { accessLine, testServer } from './helpers.ts'

const LoginReq = Type.Object({
  mobile: Type.String({ minLength: 1 }),
  password: Type.String({ minLength: 1 }),
  age: Type.Optional(Type.Integer({ minimum: 0 })),
  remember: Type.Boolean({ default: false }),
})
const LoginResp = Type.Object({
  mobile: Type.String(),
  age: Type.Optional(Type.Integer()),
  remember: Type.Boolean(),
  keys: Type.Array(Type.String()),
})

/** A server with the routes most tests use; each test builds its own so none depends on another. */
function loginServer() {
  const s = testServer()
  s.app.post('/usercenter/v1/user/login', { schema: { body: LoginReq, response: { 200: LoginResp } } }, async (req) => ({
    mobile: req.body.mobile,
    age: req.body.age,
    remember: req.body.remember,
    keys: Object.keys(req.body).sort(),
  }))
  return s
}

const json = { 'content-type': 'application/json' }

test('handlers return data; the server wraps it in the envelope, applies defaults and strips unknown fields', async () => {
  const { app } = loginServer()
  const res = await app.inject({
    method: 'POST',
    url: '/usercenter/v1/user/login',
    payload: { mobile: '13800000000', password: 'pw', age: 30, admin: true },
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), {
    code: 200,
    msg: 'OK',
    data: { mobile: '13800000000', age: 30, remember: false, keys: ['age', 'mobile', 'password', 'remember'] },
  })
})

test('malformed JSON is 400 / 100002', async () => {
  const { app } = loginServer()
  const res = await app.inject({ method: 'POST', url: '/usercenter/v1/user/login', headers: json, payload: '{"mobile": "1",' })
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().code, ErrCode.REQUEST_PARAM_ERROR)
  assert.match(res.json().msg, /malformed JSON/)
})

test('a wrong type is not coerced: 400 / 100002 naming the field', async () => {
  const { app } = loginServer()
  for (const payload of [
    { mobile: 13800000000, password: 'pw' },
    { mobile: '1', password: 'pw', age: '30' },
    { mobile: '1', password: 'pw', age: 1.5 },
  ]) {
    const res = await app.inject({ method: 'POST', url: '/usercenter/v1/user/login', payload })
    assert.equal(res.statusCode, 400, JSON.stringify(payload))
    const body = res.json()
    assert.equal(body.code, ErrCode.REQUEST_PARAM_ERROR)
    assert.match(body.msg, typeof payload.mobile === 'number' ? /mobile/ : /age/)
    assert.equal(body.data, undefined)
  }
})

test('a missing field and an empty body are 400 / 100002 naming the field', async () => {
  const { app } = loginServer()
  const missing = await app.inject({ method: 'POST', url: '/usercenter/v1/user/login', payload: { mobile: '1' } })
  assert.equal(missing.statusCode, 400)
  assert.deepEqual(missing.json(), { code: 100002, msg: "body must have required property 'password'" })

  for (const headers of [json, {}]) {
    const empty = await app.inject({ method: 'POST', url: '/usercenter/v1/user/login', headers, payload: '' })
    assert.equal(empty.statusCode, 400)
    assert.equal(empty.json().code, 100002)
    assert.match(empty.json().msg, /mobile/)
  }
})

test('a route whose body has no required field accepts an empty body', async () => {
  const { app } = testServer()
  app.post('/usercenter/v1/user/detail', { schema: { body: Type.Object({}) } }, async (req) => ({ userId: ctxOf(req).userId }))
  const res = await app.inject({ method: 'POST', url: '/usercenter/v1/user/detail', headers: { 'x-user': '7' } })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { code: 200, msg: 'OK', data: { userId: 7 } })
})

test('a body over MaxBytes is 400 / 100002, never 413', async () => {
  const { app } = loginServer()
  const big = JSON.stringify({ mobile: '1', password: 'x'.repeat(1024 * 1024 + 10) })
  const res = await app.inject({ method: 'POST', url: '/usercenter/v1/user/login', headers: json, payload: big })
  assert.equal(res.statusCode, 400)
  assert.deepEqual(res.json(), { code: 100002, msg: 'request body is larger than 1048576 bytes' })
})

test('a non-JSON content type is 400 / 100002', async () => {
  const { app } = loginServer()
  for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
    const res = await app.inject({
      method: 'POST',
      url: '/usercenter/v1/user/login',
      headers: { 'content-type': type },
      payload: 'mobile=1&password=2',
    })
    assert.equal(res.statusCode, 400, type)
    assert.equal(res.json().code, 100002, type)
  }
})

test('a CodeError answers 400 with its own code and public message', async () => {
  const { app, logs } = testServer()
  app.post('/order/v1/x', async () => {
    throw new CodeError(ErrCode.DB_UPDATE_AFFECTED_ZERO_ERROR, 'order changed meanwhile', { cause: new Error('UPDATE affected 0 rows') })
  })
  const res = await app.inject({ method: 'POST', url: '/order/v1/x', payload: {} })
  assert.equal(res.statusCode, 400)
  assert.deepEqual(res.json(), { code: 100006, msg: 'order changed meanwhile' })
  const line = logs.find((l) => l.content === 'request failed')
  assert.ok(line, 'a CodeError with a cause is logged')
  assert.match(JSON.stringify(line.causes), /UPDATE affected 0 rows/)
})

test('an unknown error is 100001 with the friendly text; its detail and cause chain reach only the log', async () => {
  const { app, logs } = testServer()
  app.post('/travel/v1/boom', async () => {
    const sqlErr = Object.assign(new Error("Table 'looklook_travel.homestay' doesn't exist: SELECT * FROM homestay"), {
      code: 'ER_NO_SUCH_TABLE',
    })
    throw new Error('find homestay failed', { cause: sqlErr })
  })
  const res = await app.inject({ method: 'POST', url: '/travel/v1/boom', payload: {} })
  assert.equal(res.statusCode, 400)
  assert.deepEqual(res.json(), { code: 100001, msg: 'server is busy, please try again later' })
  assert.doesNotMatch(res.body, /SELECT|homestay|stack/)
  const line = logs.find((l) => l.content === 'request failed')
  assert.ok(line)
  assert.equal(line.level, 'error')
  assert.deepEqual(line.causes, [
    { type: 'Error', message: 'find homestay failed' },
    { type: 'Error', message: "Table 'looklook_travel.homestay' doesn't exist: SELECT * FROM homestay", code: 'ER_NO_SUCH_TABLE' },
  ])
})

test('x-user becomes ctx.userId; absent or garbage is 0', async () => {
  const { app } = testServer()
  let seen: RequestCtx | undefined
  app.post('/usercenter/v1/user/whoami', async (req) => {
    seen = ctxOf(req)
    return { userId: seen.userId }
  })
  const cases: Array<[Record<string, string>, number]> = [
    [{ 'x-user': '42' }, 42],
    [{}, 0],
    [{ 'x-user': 'abc' }, 0],
    [{ 'x-user': '12abc' }, 0],
    [{ 'x-user': '-5' }, 0],
    [{ 'x-user': '99999999999999999999' }, 0],
  ]
  for (const [headers, want] of cases) {
    const res = await app.inject({ method: 'POST', url: '/usercenter/v1/user/whoami', headers, payload: {} })
    assert.equal(res.json().data.userId, want, JSON.stringify(headers))
  }
  assert.equal(typeof seen?.logger.info, 'function')
})

test('a handler slower than Timeout answers 503 / 100001 "request timeout"', async () => {
  const { app } = testServer({ Timeout: 50 })
  let handlerDone = false
  app.post('/slow', async () => {
    await sleep(300)
    handlerDone = true
    return {}
  })
  const res = await app.inject({ method: 'POST', url: '/slow', payload: {} })
  assert.equal(handlerDone, false, 'answered before the handler finished')
  assert.equal(res.statusCode, 503)
  assert.deepEqual(res.json(), { code: 100001, msg: 'request timeout' })
})

test('the per-route breaker opens after repeated 5xx and answers 503 without calling the handler', async () => {
  const { app } = testServer()
  let calls = 0
  app.post('/payment/v1/callback', { config: { raw: true } }, async (_req, reply) => {
    calls++
    return reply.code(500).send({ code: 'FAIL', message: 'downstream broken' })
  })
  app.post('/payment/v1/healthy', async () => ({}))
  for (let i = 0; i < 40; i++) await app.inject({ method: 'POST', url: '/payment/v1/callback', payload: {} })
  const before = calls
  const statuses: number[] = []
  let breakerBody: unknown
  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ method: 'POST', url: '/payment/v1/callback', payload: {} })
    statuses.push(res.statusCode)
    if (res.statusCode === 503) breakerBody = res.json()
  }
  const dropped = statuses.filter((s) => s === 503).length
  assert.ok(dropped >= 5, `breaker dropped ${dropped} of 20`)
  assert.equal(calls - before, 20 - dropped, 'dropped requests never reach the handler')
  assert.deepEqual(breakerBody, { code: 100001, msg: 'service unavailable, circuit breaker is open' })
  // The breaker is per route: another route is unaffected.
  assert.equal((await app.inject({ method: 'POST', url: '/payment/v1/healthy', payload: {} })).statusCode, 200)
})

test('with the CPU saturated the shedder answers 503 to excess concurrent requests', async () => {
  const { app } = testServer({ CpuThreshold: 800 }, { cpuUsage: () => 1000 })
  app.post('/busy', async () => {
    await sleep(20)
    return {}
  })
  const statuses: number[] = []
  let shedBody: unknown
  // Waves of concurrent requests teach the shedder the in-flight level; later waves exceed what it admits.
  for (let wave = 0; wave < 4; wave++) {
    const res = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/busy', payload: {} })))
    for (const r of res) {
      statuses.push(r.statusCode)
      if (r.statusCode === 503) shedBody = r.json()
    }
  }
  assert.ok(statuses.includes(200))
  assert.ok(statuses.filter((s) => s === 503).length >= 10, `shed ${statuses.filter((s) => s === 503).length} of 80`)
  assert.deepEqual(shedBody, { code: 100001, msg: 'service overloaded, please try again later' })
})

test('without CPU pressure nothing is shed', async () => {
  const { app } = testServer({}, { cpuUsage: () => 100 })
  app.post('/calm', async () => {
    await sleep(5)
    return {}
  })
  const res = await Promise.all(Array.from({ length: 40 }, () => app.inject({ method: 'POST', url: '/calm', payload: {} })))
  assert.deepEqual(new Set(res.map((r) => r.statusCode)), new Set([200]))
})

test('MaxConns caps concurrent requests with 503', async () => {
  const { app } = testServer({ MaxConns: 2 })
  app.post('/capped', async () => {
    await sleep(50)
    return {}
  })
  const res = await Promise.all(Array.from({ length: 5 }, () => app.inject({ method: 'POST', url: '/capped', payload: {} })))
  const statuses = res.map((r) => r.statusCode).sort()
  assert.deepEqual(statuses, [200, 200, 503, 503, 503])
  assert.equal(res.find((r) => r.statusCode === 503)?.json().msg, 'too many concurrent requests, please try again later')
  // Slots are released when requests finish.
  assert.equal((await app.inject({ method: 'POST', url: '/capped', payload: {} })).statusCode, 200)
})

test('a malformed URL and a Content-Length mismatch are 400 / 100002 envelopes', async () => {
  const { app } = testServer()
  app.post('/travel/v1/homestay/:id', async () => ({}))
  const badUrl = await app.inject({ method: 'POST', url: '/travel/v1/homestay/%E0%A4%A', payload: {} })
  assert.equal(badUrl.statusCode, 400)
  assert.equal(badUrl.json().code, 100002)
  const badLength = await app.inject({
    method: 'POST',
    url: '/travel/v1/homestay/1',
    headers: { ...json, 'content-length': '5' },
    payload: '{}',
  })
  assert.equal(badLength.statusCode, 400)
  assert.deepEqual(badLength.json(), { code: 100002, msg: 'request body does not match its Content-Length' })
})

test('an unknown route is a 404 JSON envelope', async () => {
  const { app } = testServer()
  const res = await app.inject({ method: 'POST', url: '/nope/v1/x?y=1', payload: {} })
  assert.equal(res.statusCode, 404)
  assert.deepEqual(res.json(), { code: 100002, msg: 'route not found: POST /nope/v1/x' })
})

test('raw routes answer for themselves and see the exact body bytes', async () => {
  const { app } = testServer()
  let raw: string | undefined
  app.post('/payment/v1/thirdPayment/notify', { config: { raw: true } }, async (req, reply) => {
    raw = req.rawBody
    return reply.code(204).send()
  })
  app.post('/payment/v1/plain', { config: { raw: true } }, async () => ({ code: 'SUCCESS' }))
  const body = '{"id":"EV-1",  "resource":{"ciphertext":"x"}}'
  const res = await app.inject({ method: 'POST', url: '/payment/v1/thirdPayment/notify', headers: json, payload: body })
  assert.equal(res.statusCode, 204)
  assert.equal(res.body, '')
  assert.equal(raw, body)
  assert.deepEqual((await app.inject({ method: 'POST', url: '/payment/v1/plain', payload: {} })).json(), { code: 'SUCCESS' })
})

test('the access log writes one go-zero shaped line per request', async () => {
  const { app, logs } = loginServer()
  const url = '/usercenter/v1/user/login'
  await app.inject({ method: 'POST', url, headers: { 'user-agent': 'looklook-test/1.0' }, payload: { mobile: '1', password: 'p' } })
  await app.inject({ method: 'POST', url, headers: { 'user-agent': 'looklook-test/1.0' }, payload: { mobile: 1 } })
  const lines = logs.filter((l) => l.content.startsWith('[HTTP] '))
  assert.equal(lines.length, 2)
  assert.equal(lines[0]?.content, `[HTTP] 200 - POST ${url} - 127.0.0.1 - looklook-test/1.0`)
  assert.equal(lines[1]?.content, `[HTTP] 400 - POST ${url} - 127.0.0.1 - looklook-test/1.0`)
  const line = accessLine(logs, 'POST', url)
  assert.ok(line)
  assert.equal(line.level, 'info')
  assert.match(String(line.duration), /^\d+\.\dms$/)
  assert.equal(line.service, 'rest-test')
  assert.ok(typeof line['@timestamp'] === 'string')
})

test('5xx answers are logged at error level', async () => {
  const { app, logs } = testServer({ Timeout: 20 })
  app.post('/stuck', async () => {
    await sleep(100)
    return {}
  })
  await app.inject({ method: 'POST', url: '/stuck', payload: {} })
  assert.equal(accessLine(logs, 'POST', '/stuck')?.level, 'error')
})

test('metrics are labelled with the route pattern, not the raw URL', async () => {
  const { app } = testServer()
  const prefix = `/m${randomUUID().slice(0, 8)}`
  app.get(`${prefix}/item/:id`, async (req) => ({ id: (req.params as { id: string }).id }))
  await app.inject({ method: 'GET', url: `${prefix}/item/41` })
  await app.inject({ method: 'GET', url: `${prefix}/item/42` })
  const counts = (await httpServerCodeTotal.get()).values.filter((v) => String(v.labels.path).startsWith(prefix))
  assert.deepEqual(counts, [{ value: 2, labels: { path: `${prefix}/item/:id`, method: 'GET', code: '200' } }])
  const durations = (await httpServerDuration.get()).values.filter(
    (v) => v.labels.path === `${prefix}/item/:id` && v.metricName === 'http_server_requests_duration_ms_count',
  )
  assert.equal(durations[0]?.value, 2)
})

test('/healthz is 200 while ready and 503 once draining or when the group is not ready', async () => {
  let groupReady = true
  const { app, logs } = testServer({}, { ready: () => groupReady })
  const ok = await app.inject({ method: 'GET', url: '/healthz' })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { status: 'ok' })
  groupReady = false
  assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 503)
  groupReady = true
  markDraining(app)
  const draining = await app.inject({ method: 'GET', url: '/healthz' })
  assert.equal(draining.statusCode, 503)
  assert.deepEqual(draining.json(), { status: 'draining' })
  assert.equal(accessLine(logs, 'GET', '/healthz'), undefined, 'probes do not flood the access log')
})

test("requests Node's HTTP parser refuses get the JSON envelope", async () => {
  const { app } = testServer()
  await app.listen({ host: '127.0.0.1', port: 0 })
  try {
    const { port } = app.server.address() as AddressInfo
    for (const raw of [
      'FOO /x HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET /x HTTP/9.9 junk\r\n\r\n',
      `GET /x HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(raw))
        let text = ''
        socket.on('data', (d: Buffer) => {
          text += d.toString('utf8')
        })
        socket.on('end', () => resolve(text))
        socket.on('error', reject)
      })
      const [head = '', body = ''] = answer.split('\r\n\r\n')
      assert.match(head, /^HTTP\/1\.1 4\d\d /, answer.slice(0, 80))
      assert.match(head, /content-type: application\/json/i)
      assert.equal((JSON.parse(body) as { code: number }).code, ErrCode.REQUEST_PARAM_ERROR, body)
    }
  } finally {
    await app.close()
  }
})
