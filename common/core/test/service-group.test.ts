import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { ServiceGroup } from '../src/service-group.ts'

const fixture = new URL('./fixtures/group-child.ts', import.meta.url).pathname

test('starts in order, stops in reverse order, and tracks readiness', async () => {
  const events: string[] = []
  const group = new ServiceGroup()
  for (const name of ['db', 'rpc', 'http']) {
    group.add({
      name,
      start: async () => {
        events.push(`start ${name}`)
      },
      stop: async () => {
        events.push(`stop ${name} ready=${group.ready}`)
      },
    })
  }
  assert.equal(group.ready, false)
  await group.start()
  assert.equal(group.ready, true)
  assert.equal(await group.stop(), true)
  assert.equal(group.ready, false)
  assert.deepEqual(events, ['start db', 'start rpc', 'start http', 'stop http ready=false', 'stop rpc ready=false', 'stop db ready=false'])
})

test('a failed start stops what already started and names the service', async () => {
  const events: string[] = []
  const group = new ServiceGroup()
  group.add({ name: 'a', start: async () => void events.push('start a'), stop: async () => void events.push('stop a') })
  group.add({
    name: 'b',
    start: async () => {
      throw new Error('port in use')
    },
    stop: async () => void events.push('stop b'),
  })
  await assert.rejects(
    group.start(),
    (err: Error) => err.message === 'service b failed to start' && (err.cause as Error).message === 'port in use',
  )
  assert.deepEqual(events, ['start a', 'stop a'])
  assert.equal(group.ready, false)
})

test('a failing stop does not prevent the others from stopping', async () => {
  const events: string[] = []
  const group = new ServiceGroup()
  group.add({ name: 'a', start: async () => {}, stop: async () => void events.push('stop a') })
  group.add({
    name: 'b',
    start: async () => {},
    stop: async () => {
      throw new Error('stuck')
    },
  })
  await group.start()
  assert.equal(await group.stop(), false)
  assert.deepEqual(events, ['stop a'])
})

interface Child {
  proc: ChildProcess
  lines: AsyncIterator<string>
  next(): Promise<Record<string, unknown>>
}

function spawnChild(env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]()
  return {
    proc,
    lines,
    next: async () => {
      const r = await lines.next()
      assert.equal(r.done, false, 'child stdout ended early')
      return JSON.parse(r.value as string) as Record<string, unknown>
    },
  }
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

test('SIGTERM lets the in-flight request finish, stops in reverse order and exits 0', async () => {
  const child = spawnChild({ SLOW_MS: '400' })
  const { port } = (await child.next()) as { port: number }
  const inFlight = get(port, '/slow')
  assert.deepEqual(await child.next(), { event: 'request' })

  const exited = once(child.proc, 'exit')
  child.proc.kill('SIGTERM')
  assert.deepEqual(await child.next(), { event: 'stop', name: 'http', ready: false })
  const res = await inFlight
  assert.equal(res.status, 200)
  assert.equal(res.body, 'done')
  assert.deepEqual(await child.next(), { event: 'stop', name: 'worker' })
  const [code] = await exited
  assert.equal(code, 0)
})

test('a drain that hangs is cut off by the timeout with exit 1', async () => {
  const child = spawnChild({ STOP_HANGS: '1' })
  await child.next()
  const exited = once(child.proc, 'exit')
  const t0 = Date.now()
  child.proc.kill('SIGTERM')
  const [code] = await exited
  assert.equal(code, 1)
  // The fixture's timeout is 1 s.
  assert.ok(Date.now() - t0 >= 900)
})

test('a second signal forces exit 1 at once', async () => {
  const child = spawnChild({ STOP_HANGS: '1' })
  await child.next()
  const exited = once(child.proc, 'exit')
  child.proc.kill('SIGTERM')
  assert.equal((await child.next()).name, 'http')
  const t0 = Date.now()
  child.proc.kill('SIGINT')
  const [code] = await exited
  assert.equal(code, 1)
  assert.ok(Date.now() - t0 < 900)
})
