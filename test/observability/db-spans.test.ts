// The SQL and Redis client spans the rpcs export to Jaeger (./looklook test exports every process's
// spans there, see deploy/local/test.env): they hang under the rpc's server span, name the operation
// and the table, and carry no value of the request — no mobile, password or token in any attribute.
import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { test } from 'node:test'
import { post, type TokenTriple, uniqueMobile } from '@looklook/testkit'
import { describeTrace, type JaegerTrace, parentOf, type ServiceSpan, spansOf, traceById } from './jaeger.ts'
import { pollUntil } from './support.ts'

// Each service batches spans for up to 5 s before exporting them.
const EXPORT_WAIT_MS = 30_000

function traceparent(): { traceId: string; header: string } {
  const traceId = randomBytes(16).toString('hex')
  return { traceId, header: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }
}

function tag(span: ServiceSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value
}

/** Polls Jaeger until the trace holds the server span `service operation` and `ready` holds for its spans. */
async function traceWith(
  traceId: string,
  service: string,
  operation: string,
  ready: (spans: ServiceSpan[]) => boolean,
): Promise<ServiceSpan[]> {
  let last: JaegerTrace | undefined
  return pollUntil(
    `${service} ${operation} with its client spans`,
    EXPORT_WAIT_MS,
    async () => {
      last = await traceById(traceId)
      if (last === undefined) return undefined
      const spans = spansOf(last)
      return spans.some((s) => s.service === service && s.operationName === operation && tag(s, 'span.kind') === 'server') && ready(spans)
        ? spans
        : undefined
    },
    () => `spans so far: ${describeTrace(last)}`,
  )
}

/** The spans of `service` below its server span `operation` (children of it, or of its descendants in the same service). */
function under(spans: ServiceSpan[], service: string, operation: string): { server: ServiceSpan; below: ServiceSpan[] } {
  const server = spans.find((s) => s.service === service && s.operationName === operation && tag(s, 'span.kind') === 'server')
  assert.ok(server, `no ${service} server span ${operation}`)
  const byId = new Map(spans.map((s) => [s.spanID, s]))
  const below = spans.filter((s) => {
    if (s.service !== service || s === server) return false
    for (let p = parentOf(s); p !== undefined; p = parentOf(byId.get(p) ?? ({ references: [] } as unknown as ServiceSpan))) {
      if (p === server.spanID) return true
    }
    return false
  })
  return { server, below }
}

function assertNoSecrets(spans: ServiceSpan[], secrets: string[]): void {
  for (const s of spans) {
    const text = JSON.stringify([s.operationName, s.tags])
    for (const secret of secrets) assert.ok(!text.includes(secret), `${s.service} ${s.operationName} carries a request value: ${text}`)
  }
}

function assertDbSpan(s: ServiceSpan, system: 'mysql' | 'redis'): void {
  assert.equal(tag(s, 'span.kind'), 'client', `${s.operationName} is a client span`)
  assert.equal(tag(s, 'db.system'), system, `${s.operationName}: db.system`)
  assert.equal(tag(s, 'db.statement'), undefined, `${s.operationName}: no statement text`)
  assert.equal(tag(s, 'db.query.text'), undefined, `${s.operationName}: no statement text`)
}

test('homestayDetail of an id never cached: Redis GET, the lease SET, SELECT homestay and the placeholder written under travel-rpc', async () => {
  // An id far beyond the seeded rows: nobody has asked for it, so the cache has nothing for it.
  const id = randomInt(2 ** 40, 2 ** 47)
  const { traceId, header } = traceparent()
  const res = await post('/travel/v1/homestay/homestayDetail', { id }, { headers: { traceparent: header } })
  assert.equal(res.body.msg, 'homestay does not exist', res.text)

  const spans = await traceWith(traceId, 'travel-rpc', 'pb.travel/homestayDetail', (all) =>
    all.some((s) => s.service === 'travel-rpc' && s.operationName === 'redis EVAL'),
  )
  const { server, below } = under(spans, 'travel-rpc', 'pb.travel/homestayDetail')
  assert.deepEqual(
    below.sort((a, b) => a.startTime - b.startTime).map((s) => s.operationName),
    ['redis GET', 'redis SET', 'sql SELECT homestay', 'redis EVAL'],
    'cache miss, its lease, the row query, the not-found placeholder written under the lease',
  )
  for (const s of below) assert.equal(parentOf(s), server.spanID, `${s.operationName} is a child of the rpc's server span`)
  const select = below.find((s) => s.operationName === 'sql SELECT homestay')
  assert.ok(select)
  assertDbSpan(select, 'mysql')
  assert.deepEqual(
    [tag(select, 'db.operation.name'), tag(select, 'db.collection.name'), tag(select, 'db.namespace')],
    ['SELECT', 'homestay', 'looklook_travel'],
  )
  const get = below.find((s) => s.operationName === 'redis GET')
  assert.ok(get)
  assertDbSpan(get, 'redis')
  assert.equal(tag(get, 'db.operation.name'), 'GET')
  assertNoSecrets(spans, [String(id), 'cache:'])
})

test('register and login: SQL and Redis spans under usercenter-rpc, and no mobile, password or token in any span', async () => {
  const mobile = uniqueMobile()
  const password = `pw-${randomBytes(6).toString('hex')}`
  const reg = traceparent()
  const registered = await post<TokenTriple>('/usercenter/v1/user/register', { mobile, password }, { headers: { traceparent: reg.header } })
  assert.equal(registered.body.code, 200, registered.text)
  const login = traceparent()
  const loggedIn = await post<TokenTriple>('/usercenter/v1/user/login', { mobile, password }, { headers: { traceparent: login.header } })
  assert.equal(loggedIn.body.code, 200, loggedIn.text)
  const tokens = [registered.body.data?.accessToken, loggedIn.body.data?.accessToken].filter((t): t is string => typeof t === 'string')
  assert.equal(tokens.length, 2)

  const regSpans = await traceWith(
    reg.traceId,
    'usercenter-rpc',
    'pb.usercenter/register',
    (all) =>
      all.some((s) => s.service === 'usercenter-rpc' && s.operationName === 'sql INSERT user') &&
      all.some((s) => s.service === 'identity-rpc' && s.operationName === 'redis SET'),
  )
  const { below: regBelow } = under(regSpans, 'usercenter-rpc', 'pb.usercenter/register')
  const names = new Set(regBelow.map((s) => s.operationName))
  for (const wanted of ['sql SELECT user', 'sql BEGIN', 'sql INSERT user', 'sql INSERT user_auth', 'sql COMMIT']) {
    assert.ok(names.has(wanted), `register: no ${wanted} among ${[...names].join(', ')}`)
  }
  assert.ok(
    regBelow.some((s) => s.operationName.startsWith('redis ')),
    `register: no Redis span among ${[...names].join(', ')}`,
  )
  const insert = regBelow.find((s) => s.operationName === 'sql INSERT user')
  assert.ok(insert)
  assertDbSpan(insert, 'mysql')
  assert.deepEqual(
    [tag(insert, 'db.operation.name'), tag(insert, 'db.collection.name'), tag(insert, 'db.namespace')],
    ['INSERT', 'user', 'looklook_usercenter'],
  )
  // The token is stored by identity-rpc: its SET is spanned there, without the token or the key.
  const { below: tokenBelow } = under(regSpans, 'identity-rpc', 'pb.identity/generateToken')
  const set = tokenBelow.find((s) => s.operationName === 'redis SET')
  assert.ok(set, `identity-rpc: no redis SET among ${tokenBelow.map((s) => s.operationName).join(', ')}`)
  assertDbSpan(set, 'redis')

  const loginSpans = await traceWith(
    login.traceId,
    'usercenter-rpc',
    'pb.usercenter/login',
    (all) =>
      all.some((s) => s.service === 'usercenter-rpc' && s.operationName === 'redis EVAL') &&
      all.some((s) => s.service === 'identity-rpc' && s.operationName === 'redis SET'),
  )
  const loginDb = under(loginSpans, 'usercenter-rpc', 'pb.usercenter/login').below.filter((s) => /^(sql|redis) /.test(s.operationName))
  assert.ok(
    loginDb.some((s) => s.operationName.startsWith('sql ')),
    `login: no SQL span among ${loginDb.map((s) => s.operationName).join(', ')}`,
  )
  for (const s of loginDb) assertDbSpan(s, s.operationName.startsWith('sql ') ? 'mysql' : 'redis')

  assertNoSecrets([...regSpans, ...loginSpans], [mobile, password, ...tokens])
})
