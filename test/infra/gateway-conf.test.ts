// deploy/nginx's gateway rules, proven on a private nginx: the same nginx.conf and looklook-gateway.conf
// with only the ports rewritten, in front of a stub identity-api and a stub domain api. This shows the
// auth_request contract (x-user from the auth reply, never from the client) independently of the apps.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sparePort } from '@looklook/testkit'
import { envelope, send } from './http.ts'

const deploy = join(import.meta.dirname, '../../deploy/nginx')
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  bodyBytes: number
}

const authCalls: Seen[] = []
const apiCalls: Seen[] = []
let apiConnections = 0
let identityConnections = 0
let identity: Server
let api: Server
let nginx: ChildProcess
let dir: string
let gateway: string

function record(into: Seen[], req: IncomingMessage, done: (seen: Seen) => void): void {
  let bodyBytes = 0
  req.on('data', (c: Buffer) => {
    bodyBytes += c.length
  })
  req.on('end', () => {
    const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes }
    into.push(seen)
    done(seen)
  })
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

before(async () => {
  // The stub identity-api: `Bearer good` is user 42, `Bearer anonymous` passes without an x-user reply
  // header, no token passes as user 0 on the login route only; everything else is a 401.
  identity = createServer((req, res) =>
    record(authCalls, req, () => {
      const auth = req.headers.authorization
      const uri = String(req.headers['x-original-uri'] ?? '')
      if (auth === 'Bearer good') res.setHeader('x-user', '42')
      else if (auth === undefined && uri.startsWith('/usercenter/v1/user/login')) res.setHeader('x-user', '0')
      else if (auth !== 'Bearer anonymous') res.statusCode = 401
      res.setHeader('content-type', 'application/json')
      res.end(res.statusCode === 401 ? '{"code":100003,"msg":"from identity"}' : '{"code":200,"msg":"OK"}')
    }),
  )
  api = createServer((req, res) =>
    record(apiCalls, req, (seen) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ code: 200, msg: 'OK', data: { url: seen.url, bodyBytes: seen.bodyBytes } }))
    }),
  )
  api.on('connection', () => {
    apiConnections++
  })
  identity.on('connection', () => {
    identityConnections++
  })
  const identityPort = await listen(identity)
  const apiPort = await listen(api)
  const deadPort = await sparePort()
  const gatewayPort = await sparePort()

  dir = mkdtempSync(join(tmpdir(), 'looklook-gateway-'))
  // nginx workers drop root privileges; they must still reach the temp dirs for buffered bodies.
  chmodSync(dir, 0o755)
  mkdirSync(join(dir, 'conf.d'))
  mkdirSync(join(dir, 'logs'))
  mkdirSync(join(dir, 'tmp'))
  writeFileSync(join(dir, 'nginx.conf'), readFileSync(join(deploy, 'nginx.conf')))
  const conf = readFileSync(join(deploy, 'conf.d/looklook-gateway.conf'), 'utf8')
    .replace('listen 127.0.0.1:8888;', `listen 127.0.0.1:${gatewayPort};`)
    .replace('listen [::1]:8888;', '')
    .replace('server 127.0.0.1:8001;', `server 127.0.0.1:${identityPort};`)
    .replace(/server 127\.0\.0\.1:800[234];/g, `server 127.0.0.1:${apiPort};`)
    .replace('server 127.0.0.1:8005;', `server 127.0.0.1:${deadPort};`)
  assert.ok(conf.includes(`${gatewayPort}`) && conf.includes(`${deadPort}`), 'the port rewrite did not apply')
  writeFileSync(join(dir, 'conf.d/looklook-gateway.conf'), conf)

  const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx'
  nginx = spawn(bin, ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  nginx.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  gateway = `http://127.0.0.1:${gatewayPort}`
  for (let i = 0; ; i++) {
    const ok = await send(`${gateway}/healthz`, { method: 'GET' }).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) break
    if (i > 80 || nginx.exitCode !== null) throw new Error(`private nginx did not start: ${stderr}`)
    await sleep(100)
  }
})

after(async () => {
  nginx?.kill('SIGTERM')
  await new Promise((resolve) => (nginx?.exitCode !== null ? resolve(null) : nginx.once('exit', resolve)))
  await new Promise((resolve) => api?.close(resolve))
  await new Promise((resolve) => identity?.close(resolve))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function lastApiCall(): Seen {
  const seen = apiCalls.at(-1)
  assert.ok(seen, 'the api got no request')
  return seen
}

test('a valid token reaches the api as x-user, replacing a client-sent x-user', async () => {
  const reply = await send(`${gateway}/usercenter/v1/user/detail?x=1`, {
    headers: { authorization: 'Bearer good', 'x-user': '7', 'content-type': 'application/json', traceparent },
    body: '{}',
  })
  assert.equal(reply.status, 200)
  const seen = lastApiCall()
  assert.equal(seen.url, '/usercenter/v1/user/detail?x=1')
  assert.equal(seen.method, 'POST')
  assert.equal(seen.headers['x-user'], '42')
  assert.equal(seen.headers.traceparent, traceparent)

  // identity-api was asked with HEAD (so nginx can keep the connection, see the keep-alive test), without the body, about the normalized path (no query), with the token.
  const auth = authCalls.at(-1)
  assert.ok(auth)
  assert.equal(auth.method, 'HEAD')
  assert.equal(auth.url, '/identity/v1/verify/token')
  assert.equal(auth.bodyBytes, 0)
  assert.equal(auth.headers['content-length'], undefined)
  assert.equal(auth.headers['x-original-uri'], '/usercenter/v1/user/detail')
  assert.equal(auth.headers.authorization, 'Bearer good')
  assert.equal(auth.headers.traceparent, traceparent)
})

test('a public route without a token reaches the api as x-user 0, whatever the client sent', async () => {
  const reply = await send(`${gateway}/usercenter/v1/user/login`, {
    headers: { 'x-user': '7', 'content-type': 'application/json' },
    body: '{}',
  })
  assert.equal(reply.status, 200)
  assert.equal(lastApiCall().headers['x-user'], '0')
})

test('no x-user in the auth reply means no x-user upstream, even when the client sent one', async () => {
  const reply = await send(`${gateway}/travel/v1/homestay/homestayList`, {
    headers: { authorization: 'Bearer anonymous', 'X-User': '7' },
    body: '{}',
  })
  assert.equal(reply.status, 200)
  assert.equal(lastApiCall().headers['x-user'], undefined)
})

test('a refused token gets the JSON 401 envelope and never reaches the api', async () => {
  const before = apiCalls.length
  const reply = await send(`${gateway}/order/v1/homestayOrder/userHomestayOrderList`, {
    headers: { authorization: 'Bearer bad' },
    body: '{}',
  })
  assert.equal(reply.status, 401)
  assert.deepEqual(envelope(reply), { code: 100003, msg: 'token is invalid or expired, please log in again' })
  assert.equal(apiCalls.length, before)
})

test("a body of exactly 1 MiB, the apis' limit, is passed whole (buffered to disk by the worker)", async () => {
  const body = Buffer.alloc(1024 * 1024, 0x61)
  const reply = await send(`${gateway}/usercenter/v1/user/register`, { headers: { authorization: 'Bearer good' }, body })
  assert.equal(reply.status, 200)
  assert.equal(lastApiCall().bodyBytes, body.length)
})

test('a body over 1 MiB gets the JSON 400 envelope and never reaches the api', async () => {
  const before = apiCalls.length
  const body = Buffer.alloc(1024 * 1024 + 1, 0x61)
  const reply = await send(`${gateway}/usercenter/v1/user/register`, { headers: { authorization: 'Bearer good' }, body })
  assert.equal(reply.status, 400)
  assert.deepEqual(envelope(reply), { code: 100002, msg: 'request body too large' })
  assert.equal(apiCalls.length, before)
})

test('an api that is down gets the JSON 503 envelope with Retry-After', async () => {
  const reply = await send(`${gateway}/payment/v1/thirdPayment/thirdPaymentWxPay`, {
    headers: { authorization: 'Bearer good' },
    body: '{}',
  })
  assert.equal(reply.status, 503)
  assert.equal(reply.headers['retry-after'], '5')
  assert.equal(envelope(reply).code, 100001)
})

test('an unknown path gets the JSON 404 envelope without asking identity-api', async () => {
  const before = authCalls.length
  const reply = await send(`${gateway}/identity/v1/verify/token`, { method: 'GET' })
  assert.equal(reply.status, 404)
  assert.equal(envelope(reply).code, 100001)
  assert.equal(authCalls.length, before)
})

test("upstream connections are kept alive across requests, the verifier's too", async () => {
  const [apiBefore, identityBefore, authsBefore] = [apiConnections, identityConnections, authCalls.length]
  for (let i = 0; i < 5; i++) {
    const reply = await send(`${gateway}/travel/v1/homestay/guessList`, { headers: { authorization: 'Bearer good' }, body: '{}' })
    assert.equal(reply.status, 200)
  }
  assert.equal(authCalls.length - authsBefore, 5, 'every request was verified')
  assert.ok(apiConnections - apiBefore <= 1, `${apiConnections - apiBefore} new upstream connections for 5 requests`)
  assert.ok(identityConnections - identityBefore <= 1, `${identityConnections - identityBefore} new verifier connections for 5 requests`)
})

test('identity-api being down is a JSON 503 with Retry-After, not a pass', async () => {
  await new Promise((resolve) => {
    identity.close(resolve)
    identity.closeAllConnections()
  })
  const before = apiCalls.length
  const reply = await send(`${gateway}/usercenter/v1/user/detail`, { headers: { authorization: 'Bearer good' }, body: '{}' })
  assert.equal(reply.status, 503)
  assert.equal(reply.headers['retry-after'], '5')
  assert.equal(envelope(reply).code, 100001)
  assert.equal(apiCalls.length, before)
})
