import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { AccessTokenCache, code2Session, sendSubscribeMessage, WechatApiError, WechatHttpError } from '../src/index.ts'

/** A scripted stand-in for api.weixin.qq.com: counts token fetches, answers sends per a queue of errcodes. */
let server: Server
let baseUrl = ''
let tokenFetches = 0
let stableBodies: unknown[] = []
let sendAnswers: number[] = []
const sentWith: string[] = []

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json')
      if (url.pathname === '/cgi-bin/token') {
        tokenFetches++
        // Answer slowly so concurrent callers overlap with the in-flight fetch.
        setTimeout(() => res.end(JSON.stringify({ access_token: `T${tokenFetches}`, expires_in: 7200 })), 30)
      } else if (url.pathname === '/cgi-bin/stable_token') {
        stableBodies.push(JSON.parse(body))
        res.end(JSON.stringify({ access_token: `S${stableBodies.length}`, expires_in: 7200 }))
      } else if (url.pathname === '/cgi-bin/message/subscribe/send') {
        sentWith.push(url.searchParams.get('access_token') ?? '')
        const errcode = sendAnswers.shift() ?? 0
        res.end(JSON.stringify({ errcode, errmsg: errcode === 0 ? 'ok' : 'nope rid: 1' }))
      } else if (url.pathname === '/sns/jscode2session') {
        // Success without any errcode field, as WeChat usually answers.
        res.end(url.searchParams.get('js_code') === 'good' ? JSON.stringify({ openid: 'o1', session_key: 'k' }) : 'not json')
      } else {
        res.statusCode = 502
        res.end('{}')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const conf = () => ({ baseUrl, appId: 'wxA', secret: 'S' })

test('concurrent callers share one token fetch; the token is cached until expires_in minus the margin', async () => {
  let now = 1_000_000
  const cache = new AccessTokenCache({ ...conf(), now: () => now })
  const before = tokenFetches
  const tokens = await Promise.all([cache.get(), cache.get(), cache.get()])
  assert.equal(tokenFetches - before, 1)
  assert.equal(new Set(tokens).size, 1)
  now += (7200 - 300 - 1) * 1000
  assert.equal(await cache.get(), tokens[0])
  assert.equal(tokenFetches - before, 1)
  now += 2000
  assert.notEqual(await cache.get(), tokens[0])
  assert.equal(tokenFetches - before, 2)
})

test('a stale-token errcode refreshes the token and retries once; other errcodes are not retried', async () => {
  const cache = new AccessTokenCache(conf())
  const first = await cache.get()
  sendAnswers = [42001, 0]
  sentWith.length = 0
  await sendSubscribeMessage({ baseUrl }, cache, { touser: 'o1', template_id: 't', data: { thing1: { value: 'x' } } })
  assert.equal(sentWith.length, 2)
  assert.equal(sentWith[0], first)
  assert.notEqual(sentWith[1], first)

  sendAnswers = [40001, 40001]
  await assert.rejects(
    sendSubscribeMessage({ baseUrl }, cache, { touser: 'o1', template_id: 't', data: {} }),
    (err: unknown) => err instanceof WechatApiError && err.errcode === 40001,
  )
  sendAnswers = [47003]
  sentWith.length = 0
  await assert.rejects(
    sendSubscribeMessage({ baseUrl }, cache, { touser: 'o1', template_id: 't', data: {} }),
    (err: unknown) => err instanceof WechatApiError && err.errcode === 47003,
  )
  assert.equal(sentWith.length, 1)
})

test('stable mode posts stable_token and forces a refresh after the token is rejected', async () => {
  stableBodies = []
  const cache = new AccessTokenCache({ ...conf(), stable: true })
  assert.equal(await cache.get(), 'S1')
  sendAnswers = [40001, 0]
  await sendSubscribeMessage({ baseUrl }, cache, { touser: 'o1', template_id: 't', data: {} })
  assert.deepEqual(stableBodies, [
    { grant_type: 'client_credential', appid: 'wxA', secret: 'S', force_refresh: false },
    { grant_type: 'client_credential', appid: 'wxA', secret: 'S', force_refresh: true },
  ])
})

test('code2Session treats a missing errcode as success and a non-JSON body as a transport error', async () => {
  assert.deepEqual(await code2Session(conf(), 'good'), { openid: 'o1', session_key: 'k' })
  await assert.rejects(code2Session(conf(), 'bad'), WechatHttpError)
  await assert.rejects(code2Session({ ...conf(), baseUrl: `${baseUrl}/nowhere/` }, 'good'), WechatHttpError)
})
