// The gateway on :8888 under abuse from one client: idle connections that trickle their header do not
// starve everyone else, and the password routes are rate limited per client address (429 JSON).
// The rate-limit test comes from ::1, a client address of its own, so the bucket it fills is not the one
// the rest of the suite (on 127.0.0.1) registers and logs in through.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { envelope, type Reply, send } from '../infra/http.ts'

const FLOOD = 1800
const FLOOD_MS = 30_000
const TRICKLE_MS = 10_000

function openFiles(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'))
  return Number(line?.split(/\s+/)[3])
}

test('1,800 connections trickling a header line every 10 s leave normal requests working', async () => {
  assert.ok(openFiles() >= FLOOD + 200, `the test needs ${FLOOD + 200} open files (ulimit -n), has ${openFiles()}`)
  const sockets = new Set<Socket>()
  let live = 0
  let peak = 0
  let stopping = false
  // A slow client: a request line and one header line, then one more header line every 10 s, never the
  // blank line that ends the header. Closed by the gateway, it comes back, as an attacker's would.
  const open = (): void => {
    if (stopping) return
    const socket = connect(8888, '127.0.0.1')
    sockets.add(socket)
    let timer: NodeJS.Timeout | undefined
    socket.on('connect', () => {
      peak = Math.max(peak, ++live)
      socket.write('GET /travel/v1/homestay/guessList HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      let n = 0
      timer = setInterval(() => socket.write(`X-Trickle-${n++}: 1\r\n`), TRICKLE_MS)
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      if (timer !== undefined) live--
      clearInterval(timer)
      sockets.delete(socket)
      open()
    })
  }
  const results: { ok: boolean; detail: string }[] = []
  try {
    for (let i = 0; i < FLOOD; i += 100) {
      for (let j = 0; j < 100; j++) open()
      await sleep(20)
    }
    const until = Date.now() + FLOOD_MS
    while (Date.now() < until) {
      // A public route through auth_request (identity-api) to usercenter-api: its own validation answer.
      const reply = await send('http://127.0.0.1:8888/usercenter/v1/user/register', {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }).catch((err: Error) => ({ status: 0, headers: {}, text: err.message }) satisfies Reply)
      results.push({ ok: reply.status === 400 && reply.text.includes('100002'), detail: `${reply.status} ${reply.text.slice(0, 100)}` })
      await sleep(500)
    }
  } finally {
    stopping = true
    for (const s of sockets) s.destroy()
  }
  assert.ok(peak >= FLOOD * 0.95, `only ${peak} of the ${FLOOD} flood connections were open at once`)
  const failed = results.filter((r) => !r.ok)
  assert.ok(results.length >= 20, `only ${results.length} normal requests were sent`)
  assert.deepEqual(failed, [], `${failed.length} of ${results.length} normal requests failed during the flood`)
})

test('login, register and wxMiniAuth are rate limited per client address: 429 JSON with Retry-After', async () => {
  const routes = ['/usercenter/v1/user/register', '/usercenter/v1/user/login', '/usercenter/v1/user/wxMiniAuth']
  // Invalid bodies: the api refuses them with 400 before any password hashing, so the flood costs nothing.
  const flood = await Promise.all(
    Array.from({ length: 150 }, (_, i) =>
      send(`http://[::1]:8888${routes[i % routes.length]}`, { headers: { 'content-type': 'application/json' }, body: '{}' }),
    ),
  )
  const limited = flood.filter((r) => r.status === 429)
  const passed = flood.filter((r) => r.status === 400)
  assert.equal(limited.length + passed.length, flood.length, flood.map((r) => r.status).join(' '))
  // A burst of 100 is answered at once; the rest of this flood is beyond it.
  assert.ok(limited.length >= 30, `${limited.length} of ${flood.length} limited`)
  for (const r of limited) {
    assert.deepEqual(envelope(r), { code: 100001, msg: 'too many requests, please try again later' })
    assert.equal(r.headers['retry-after'], '1')
  }
  // Only these routes: another route from the same client is not limited (401: it needs a token).
  const other = await send('http://[::1]:8888/usercenter/v1/user/detail', { headers: { 'content-type': 'application/json' }, body: '{}' })
  assert.equal(other.status, 401, other.text)
  // Another client address is not limited either.
  const elsewhere = await send('http://127.0.0.1:8888/usercenter/v1/user/register', {
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  assert.equal(elsewhere.status, 400, elsewhere.text)
})
