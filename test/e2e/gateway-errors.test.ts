// What the gateway on :8888 answers itself: hostile paths are refused before auth or proxying, and every
// error nginx produces is the JSON envelope, never its HTML page. Malformed requests go over raw sockets
// (an HTTP client would refuse to send them).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { envelope, send } from '../infra/http.ts'

const gateway = 'http://127.0.0.1:8888'
const accessLog = join(import.meta.dirname, '../../data/nginx/logs/access.log')

interface RawReply {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * Sends bytes as they are and reads the answer until it is complete (its Content-Length has arrived), nginx
 * closes the connection, or 5 s pass. A complete answer is taken as soon as it is there: after refusing a
 * request early (an announced body too large), nginx may keep the half-closed connection in its lingering
 * close and reset it seconds later, which is not part of the answer.
 */
function raw(request: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(8888, '127.0.0.1', () => socket.end(request))
    const chunks: Buffer[] = []
    let done = false
    const parse = (): RawReply | undefined => {
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      if (split < 0) return undefined
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const i = line.indexOf(':')
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim()
      }
      const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0)
      return { status, headers, body: text.slice(split + 4) }
    }
    const finish = (reply: RawReply) => {
      done = true
      socket.destroy()
      resolve(reply)
    }
    socket.on('data', (c: Buffer) => {
      chunks.push(c)
      const reply = parse()
      const length = Number(reply?.headers['content-length'] ?? Number.NaN)
      if (reply && Buffer.byteLength(reply.body, 'latin1') >= length) finish(reply)
    })
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer within 5 s to ${JSON.stringify(request.slice(0, 60))}`)))
    socket.on('error', (err) => done || reject(err))
    socket.on('close', () => done || finish(parse() ?? { status: 0, headers: {}, body: '' }))
  })
}

function assertJson(reply: RawReply, status: number, code: number): void {
  assert.equal(reply.status, status, `status of ${reply.body.slice(0, 120)}`)
  assert.match(reply.headers['content-type'] ?? '', /^application\/json/, reply.body.slice(0, 120))
  assert.equal((JSON.parse(reply.body) as { code: number }).code, code)
}

/** The access log lines written since `from` bytes, once nginx has flushed them. */
async function accessLogSince(from: number, count: number): Promise<string[]> {
  for (let i = 0; ; i++) {
    const lines = readFileSync(accessLog).subarray(from).toString('utf8').split('\n').filter(Boolean)
    if (lines.length >= count || i > 20) return lines
    await sleep(100)
  }
}

describe('paths that identity-api and the api could read differently are refused before anything is proxied', () => {
  const paths = [
    '/travel/../usercenter/v1/user/detail',
    '/travel/./../usercenter/v1/user/detail',
    '/travel/%2e%2e/usercenter/v1/user/detail',
    '/travel/%2E./usercenter/v1/user/detail',
    '/travel/..%2fusercenter/v1/user/detail',
    '/travel/v1/../../usercenter/v1/user/detail',
    '/travel/v1/..',
    '/usercenter/v1/user%2Fdetail',
    '/usercenter/v1/user%5cdetail',
    '/usercenter/v1/user/login%3f/detail',
    '/usercenter/v1/user/detail%00',
  ]
  for (const path of paths) {
    test(`${path} → 400 JSON from the gateway`, async () => {
      const reply = await raw(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      )
      assertJson(reply, 400, 100002)
    })
  }

  test('none of them reached identity-api or an api (no upstream in the access log)', async () => {
    const from = readFileSync(accessLog).length
    for (const path of paths) await raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    const lines = await accessLogSince(from, paths.length)
    const ours = lines.filter((l) => paths.some((p) => l.includes(`"GET ${p} HTTP/1.1"`)))
    assert.equal(ours.length, paths.length, lines.join('\n'))
    for (const line of ours) assert.match(line, / 400 \d+ rt=\S+ urt=- ua="-" /, line)
  })

  test('the normalized path is what identity-api decides on: a query does not make a protected route public', async () => {
    const reply = await send(`${gateway}/usercenter/v1/user/detail?/usercenter/v1/user/login`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    assert.equal(reply.status, 401)
    assert.equal(envelope(reply).code, 100003)
  })

  test('an ordinary public request still reaches the api (its own validation answer)', async () => {
    const reply = await send(`${gateway}/usercenter/v1/user/register`, { headers: { 'content-type': 'application/json' }, body: '{}' })
    assert.equal(reply.status, 400, reply.text)
    const { code, msg } = envelope(reply)
    assert.equal(code, 100002)
    assert.notEqual(msg, 'invalid request path')
  })
})

describe("every error nginx produces itself is the JSON envelope, never nginx's HTML", () => {
  const host = 'Host: 127.0.0.1\r\nConnection: close\r\n'
  const cases: [string, string, number, number][] = [
    ['a malformed request line', 'GET /travel/x HTTP/1.1 junk\r\n\r\n', 400, 100002],
    ['a method with a bad character', 'G@T /travel/x HTTP/1.1\r\n\r\n', 400, 100002],
    ['no Host header', 'GET /travel/x HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 100002],
    ['two Host headers', `GET /travel/x HTTP/1.1\r\n${host}Host: other\r\n\r\n`, 400, 100002],
    ['two Authorization headers', `GET /travel/x HTTP/1.1\r\n${host}Authorization: a\r\nAuthorization: b\r\n\r\n`, 400, 100002],
    [
      'Content-Length and Transfer-Encoding',
      `POST /travel/x HTTP/1.1\r\n${host}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
      100002,
    ],
    ['two Content-Length headers', `POST /travel/x HTTP/1.1\r\n${host}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400, 100002],
    ['a header name with a space', `GET /travel/x HTTP/1.1\r\n${host}Bad Header: x\r\n\r\n`, 400, 100002],
    ['%00 in the path', `GET /travel/%00 HTTP/1.1\r\n${host}\r\n`, 400, 100002],
    ['a 20 KB header', `GET /travel/x HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 400, 100002],
    ['a 20 KB request line', `GET /travel/${'a'.repeat(20_000)} HTTP/1.1\r\n${host}\r\n`, 414, 100002],
    ['a body over 1 MiB announced', `POST /usercenter/v1/user/register HTTP/1.1\r\n${host}Content-Length: 2000000\r\n\r\n`, 400, 100002],
    ['TRACE', `TRACE /travel/x HTTP/1.1\r\n${host}\r\n`, 405, 100001],
    ['CONNECT', `CONNECT 127.0.0.1:8888 HTTP/1.1\r\n${host}\r\n`, 400, 100002],
    ['a method no api speaks', `FOO /travel/x HTTP/1.1\r\n${host}\r\n`, 405, 100001],
    ['a Transfer-Encoding nginx does not know', `POST /travel/x HTTP/1.1\r\n${host}Transfer-Encoding: gzip\r\n\r\n`, 501, 100002],
    ['an HTTP version nginx does not speak', `GET /travel/x HTTP/2.5\r\n${host}\r\n`, 505, 100002],
    ['a GET of the internal /auth', `GET /auth HTTP/1.1\r\n${host}\r\n`, 404, 100001],
    ['a GET of an internal error page', `GET /_gateway/bad-request HTTP/1.1\r\n${host}\r\n`, 404, 100001],
    ['an unknown prefix', `GET /identity/v1/verify/token HTTP/1.1\r\n${host}\r\n`, 404, 100001],
  ]
  for (const [name, request, status, code] of cases) {
    test(`${name} → ${status} JSON`, async () => {
      assertJson(await raw(request), status, code)
    })
  }

  test('a body that stops arriving is closed by the gateway without an HTML page', async () => {
    // client_body_timeout (10 s between two reads) ends it; nginx resets such a connection without answering.
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(8888, '127.0.0.1', () =>
        socket.write(
          `POST /usercenter/v1/user/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
        ),
      )
      let text = ''
      socket.on('data', (c: Buffer) => {
        text += c.toString('latin1')
      })
      socket.setTimeout(30_000, () => socket.destroy(new Error('the gateway kept a stalled body open for 30 s')))
      socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)))
      socket.on('close', () => resolve(text))
    })
    assert.doesNotMatch(reply, /<html/i)
    if (reply !== '') assert.match(reply, /content-type: application\/json/i)
  })
})
