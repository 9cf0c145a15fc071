import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { status } from '@grpc/grpc-js'
import { AdaptiveShedder } from '@looklook/core'
import { rpcClientCodeTotal, rpcServerCodeTotal, rpcServerDuration } from '@looklook/metrics'
import { CodeError } from '@looklook/xerr'
import { createRpcClient, grpcStatusOf, type RpcClient } from '../src/index.ts'
import { type EchoReq, type EchoService, echoServiceName, zrpctestProto } from './gen/zrpctest.ts'
import { clientConf, type EchoServer, echoClient, memoryLogger, rejection, startEchoServer } from './helpers.ts'

let srv: EchoServer
let client: RpcClient<EchoService>

function req(over: Partial<EchoReq>): EchoReq {
  return { text: '', mode: 'ok', delayMs: 0, xerrCode: 0, full: false, ...over }
}

before(async () => {
  srv = await startEchoServer()
  client = echoClient(srv.port)
})

after(async () => {
  client.close()
  await srv.server.stop()
})

test('a reply arrives with the shapes the generated types promise', async () => {
  const empty = await client.echo(req({ text: 'hi' }))
  assert.equal(empty.text, 'hi')
  // defaults: true fills every unset scalar/repeated/map field; an unset message is null; oneof members are absent.
  assert.equal(empty.big, 0)
  assert.equal(empty.inner, null)
  assert.deepEqual(empty.items, [])
  assert.deepEqual(empty.labels, {})
  assert.equal(empty.kind, 'KIND_UNSPECIFIED')
  assert.ok(Buffer.isBuffer(empty.blob) && empty.blob.length === 0)
  assert.deepEqual(empty.ids, [])
  assert.equal('name' in empty || 'number' in empty || 'note' in empty, false)
  assert.equal(empty.choice, undefined)

  const full = await client.echo(req({ text: 'full', full: true }))
  assert.equal(full.big, 2 ** 40 + 7, 'int64 arrives as a number')
  assert.deepEqual(full.inner, { value: 'in' })
  assert.deepEqual(full.items, [{ value: 'a' }, { value: 'b' }])
  assert.deepEqual(full.labels, { color: 'red' })
  assert.equal(full.kind, 'KIND_A', 'enums arrive as names')
  assert.deepEqual([...full.blob], [1, 2, 3])
  assert.equal(full.number, 42)
  assert.equal(full.choice, 'number', 'the oneof names its set member')
  assert.equal(full.note, 'noted')
  assert.equal(full._note, 'note', 'proto3 optional is a synthetic oneof')
  assert.deepEqual(full.ids, [1, 2 ** 35])

  assert.deepEqual(await client.ping({}), {})
})

test('a CodeError crosses the wire with its code and message', async () => {
  const err = await rejection(client.echo(req({ mode: 'code-error', xerrCode: 100006, text: 'the record changed' })))
  assert.ok(err instanceof CodeError)
  assert.equal(err.code, 100006)
  assert.equal(err.message, 'the record changed')
  assert.equal(grpcStatusOf(err), status.FAILED_PRECONDITION)

  const unicode = await rejection(client.echo(req({ mode: 'code-error', xerrCode: 100002, text: '手机号已注册: mobile taken' })))
  assert.ok(unicode instanceof CodeError)
  assert.equal(unicode.code, 100002)
  assert.equal(unicode.message, '手机号已注册: mobile taken')
})

test('any other error becomes 100001 without leaking its text; the server log has the detail', async () => {
  const secret = `SELECT password FROM user WHERE id = 1 -- ${Date.now()}`
  const err = await rejection(client.echo(req({ mode: 'plain-error', text: secret })))
  assert.ok(err instanceof CodeError)
  assert.equal(err.code, 100001)
  assert.ok(!err.message.includes('SELECT') && !err.message.includes('password'), err.message)
  assert.equal(grpcStatusOf(err), status.INTERNAL)
  const cause = err.cause as { details: string }
  assert.equal(cause.details, 'internal error', 'the wire carries a generic message only')
  assert.ok(!JSON.stringify(cause).includes('SELECT'))

  const logged = srv.lines().find((l) => l.content === 'rpc handler failed' && JSON.stringify(l.err).includes(secret))
  assert.ok(logged, 'the server logged the original error')
  assert.equal(logged.method, '/zrpctest.Echo/echo')
})

test('a handler slower than the client timeout fails fast with DEADLINE_EXCEEDED', async () => {
  const start = performance.now()
  const err = await rejection(client.echo(req({ text: 'slow', delayMs: 3000 }), { timeoutMs: 200 }))
  const elapsed = performance.now() - start
  assert.ok(err instanceof CodeError)
  assert.equal(err.code, 100001)
  assert.equal(grpcStatusOf(err), status.DEADLINE_EXCEEDED)
  assert.ok(elapsed >= 190 && elapsed < 1000, `failed after ${elapsed.toFixed(0)} ms`)
})

test('the server timeout (conf.Timeout) answers DEADLINE_EXCEEDED and aborts the handler signal', async () => {
  const short = await startEchoServer({ timeoutMs: 300 })
  const c = echoClient(short.port, {}, 10_000)
  try {
    const start = performance.now()
    const err = await rejection(c.echo(req({ text: 'slow', delayMs: 5000 })))
    const elapsed = performance.now() - start
    assert.equal(grpcStatusOf(err), status.DEADLINE_EXCEEDED)
    assert.ok(elapsed >= 290 && elapsed < 1500, `failed after ${elapsed.toFixed(0)} ms`)
    // The handler saw its signal abort instead of sleeping 5 s.
    for (let i = 0; i < 50 && short.aborted.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    assert.deepEqual(short.aborted, [true])
  } finally {
    c.close()
    await short.server.stop()
  }
})

test('a call made inside a handler inherits the handler deadline', async () => {
  const inner = await startEchoServer()
  const innerClient = echoClient(inner.port, {}, 10_000)
  const outer = await startEchoServer({ timeoutMs: 10_000, nested: () => innerClient })
  const c = echoClient(outer.port, {}, 10_000)
  try {
    const start = performance.now()
    // The outer call allows 400 ms; the nested call asks for 10 s but must give up with its caller.
    const err = await rejection(c.echo(req({ mode: 'nested' }), { timeoutMs: 400 }))
    const elapsed = performance.now() - start
    assert.equal(grpcStatusOf(err), status.DEADLINE_EXCEEDED)
    assert.ok(elapsed < 1500, `failed after ${elapsed.toFixed(0)} ms`)
    for (let i = 0; i < 50 && inner.aborted.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    assert.deepEqual(inner.aborted, [true], 'the nested call was cut at the inherited deadline, not after 5 s')
  } finally {
    c.close()
    innerClient.close()
    await outer.server.stop()
    await inner.server.stop()
  }
})

test('metadata from the caller reaches the handler', async () => {
  const resp = await client.echo(req({ text: 'md' }), { metadata: { 'x-user': '4242' } })
  assert.equal(resp.xUser, '4242')
})

test('metrics use go-zero names, the full method and numeric codes', async () => {
  const method = '/zrpctest.Echo/echo'
  const count = async (metric: typeof rpcServerCodeTotal, code: string) =>
    (await metric.get()).values.find((v) => v.labels.method === method && v.labels.code === code)?.value ?? 0
  const okBefore = await count(rpcServerCodeTotal, '0')
  const bizBefore = await count(rpcServerCodeTotal, String(status.FAILED_PRECONDITION))
  const clientOkBefore = await count(rpcClientCodeTotal, '0')
  await client.echo(req({ text: 'm' }))
  await rejection(client.echo(req({ mode: 'code-error', xerrCode: 100002, text: 'bad' })))
  assert.equal(await count(rpcServerCodeTotal, '0'), okBefore + 1)
  assert.equal(await count(rpcServerCodeTotal, String(status.FAILED_PRECONDITION)), bizBefore + 1)
  assert.equal(await count(rpcClientCodeTotal, '0'), clientOkBefore + 1)
  const hist = (await rpcServerDuration.get()).values.find((v) => v.labels.method === method && v.metricName?.endsWith('_count'))
  assert.ok(hist && hist.value >= 2)
})

test('an access line is logged per call with its duration', async () => {
  const text = `access-${Date.now()}`
  await client.echo(req({ text }))
  const access = srv.lines().filter((l) => l.content === `${String(l.peer)} - /zrpctest.Echo/echo` && l.level === 'debug')
  assert.ok(access.length > 0)
  assert.match(String(access.at(-1)?.duration), /^\d+\.\dms$/)
  assert.equal(access.at(-1)?.code, 'OK')
})

test('load shedding answers RESOURCE_EXHAUSTED when the CPU is saturated and calls pile up', async () => {
  const shedder = new AdaptiveShedder({ cpuUsage: () => 1000 })
  const hot = await startEchoServer({ shedder })
  const c = echoClient(hot.port, {}, 5000)
  try {
    // 30 slow calls are admitted (nothing has finished yet, so the in-flight average is 0) and stay in flight;
    // fast calls finishing meanwhile lift the average above the budget, and later calls are shed.
    const slow = Promise.allSettled(Array.from({ length: 30 }, () => c.echo(req({ delayMs: 400 }))))
    await new Promise((r) => setTimeout(r, 50))
    const fast = await Promise.allSettled(Array.from({ length: 20 }, () => c.echo(req({}))))
    assert.ok(
      (await slow).every((r) => r.status === 'fulfilled'),
      'admitted calls complete',
    )
    const shed = fast.filter((r) => r.status === 'rejected' && grpcStatusOf(r.reason) === status.RESOURCE_EXHAUSTED)
    assert.ok(shed.length > 0, `shed ${shed.length} of 20`)
    const first = (shed[0] as PromiseRejectedResult).reason as CodeError
    assert.ok(first instanceof CodeError && first.code === 100001)
  } finally {
    c.close()
    await hot.server.stop()
  }
})

test('several Endpoints are balanced round robin, hostnames included', async () => {
  const a = await startEchoServer()
  const b = await startEchoServer()
  const { logger } = memoryLogger()
  const c = createRpcClient<EchoService>(zrpctestProto, echoServiceName, clientConf([`127.0.0.1:${a.port}`, `localhost:${b.port}`]), logger)
  try {
    for (let i = 0; i < 40; i++) await c.echo(req({ text: String(i) }))
    assert.ok(a.hits.count >= 10 && b.hits.count >= 10, `hits a=${a.hits.count} b=${b.hits.count}`)
    assert.equal(a.hits.count + b.hits.count, 40)
  } finally {
    c.close()
    await a.server.stop()
    await b.server.stop()
  }
})

test('stop() lets an in-flight call finish and refuses new ones', async () => {
  const s = await startEchoServer()
  const c = echoClient(s.port)
  try {
    await c.ping({})
    const inFlight = c.echo(req({ text: 'draining', delayMs: 300 }))
    await new Promise((r) => setTimeout(r, 50))
    const stopped = s.server.stop()
    assert.equal((await inFlight).text, 'draining')
    await stopped
    const err = await rejection(c.ping({}))
    assert.equal(grpcStatusOf(err), status.UNAVAILABLE)
  } finally {
    c.close()
  }
})

test('addService rejects handlers that do not match the service', async () => {
  const { createRpcServer } = await import('../src/index.ts')
  const s = createRpcServer({ conf: { Name: 'x', ListenOn: '127.0.0.1:0', Timeout: 1000, CpuThreshold: 0 }, logger: memoryLogger().logger })
  assert.throws(
    () => s.addService<EchoService>(zrpctestProto, echoServiceName, { echo: async () => ({}) } as never),
    /no handler for method ping/,
  )
  assert.throws(
    () => s.addService<EchoService>(zrpctestProto, 'zrpctest.Nope', {} as never),
    /no service zrpctest.Nope \(services: zrpctest.Echo\)/,
  )
})
