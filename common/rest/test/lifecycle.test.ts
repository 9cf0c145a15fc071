import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { drain, restService, startRest } from '../src/index.ts'
import { testConf, testServer } from './helpers.ts'

const fixture = new URL('./fixtures/rest-child.ts', import.meta.url).pathname

function post(port: number, path: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          body += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end('{}')
  })
}

test('drain finishes the in-flight request over keep-alive, then refuses new connections', async () => {
  const { app } = testServer()
  let entered = false
  app.post('/slow', async () => {
    entered = true
    await sleep(200)
    return { finished: true }
  })
  const port = await startRest(app, testConf({ Port: 0 }))
  assert.ok(port > 0)
  const agent = new Agent({ keepAlive: true })
  try {
    const inFlight = post(port, '/slow', agent)
    while (!entered) await sleep(5)
    const t0 = performance.now()
    await drain(app)
    const res = await inFlight
    assert.equal(res.status, 200)
    assert.deepEqual(JSON.parse(res.body), { code: 200, msg: 'OK', data: { finished: true } })
    // drain resolved once the request was answered, not after the keep-alive timeout.
    const drainMs = performance.now() - t0
    assert.ok(drainMs >= 150 && drainMs < 2000, `drain took ${drainMs}ms`)
    await assert.rejects(post(port, '/slow', new Agent()), /ECONNREFUSED/)
  } finally {
    agent.destroy()
  }
})

test("a drain keeps an idle keep-alive connection open for the client's next request, answered with Connection: close", async () => {
  const { app } = testServer()
  app.post('/ping', async () => ({ pong: true }))
  const port = await startRest(app, testConf({ Port: 0 }))
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    // One request leaves the agent's connection idle in its pool, as nginx's upstream keepalive does.
    assert.equal((await post(port, '/ping', agent)).status, 200)
    assert.equal(Object.values(agent.freeSockets).flat().length, 1)
    let drained = false
    const draining = drain(app, 10_000).then(() => {
      drained = true
    })
    await sleep(50)
    assert.equal(drained, false, 'the drain waits while a keep-alive connection is open')
    // The pooled connection is still the server's: the next request on it is served, and told to close.
    const next = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/ping', method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume()
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }))
        },
      )
      req.on('error', reject)
      req.end('{}')
    })
    assert.deepEqual(next, { status: 200, connection: 'close' })
    // With the client gone the drain ends, without waiting out its grace.
    await draining
    assert.equal(app.server.listening, false)
  } finally {
    agent.destroy()
  }
})

test('restService starts listening and stops by draining', async () => {
  const { app } = testServer()
  const svc = restService(app, testConf({ Port: 0, Name: 'svc-test' }))
  assert.equal(svc.name, 'rest svc-test')
  await svc.start()
  const addr = app.server.address()
  assert.ok(typeof addr === 'object' && addr && addr.port > 0)
  await svc.stop()
  assert.equal(app.server.listening, false)
})

test('an api process on SIGTERM completes the in-flight request and exits 0', async () => {
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next()
    assert.equal(r.done, false, 'child stdout ended early')
    return JSON.parse(r.value as string) as Record<string, unknown>
  }
  const exited = once(child, 'exit')
  const agent = new Agent({ keepAlive: true })
  try {
    const { port } = (await next()) as { port: number }
    const inFlight = post(port, '/slow', agent)
    assert.deepEqual(await next(), { event: 'request' })
    child.kill('SIGTERM')
    const res = await inFlight
    assert.equal(res.status, 200)
    assert.deepEqual(JSON.parse(res.body).data, { finished: true })
    const [code] = await exited
    assert.equal(code, 0)
  } finally {
    agent.destroy()
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})
