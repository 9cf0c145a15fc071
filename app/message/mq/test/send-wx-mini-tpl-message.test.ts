import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { PoisonMessageError } from '@looklook/kq'
import { createLogger } from '@looklook/logx'
import type { MessageMqConf } from '../src/config.ts'
import { sendWxMiniTplMessage, toTemplateData } from '../src/consumers/send-wx-mini-tpl-message.ts'
import { createServiceContext } from '../src/svc-context.ts'

const SANDBOX = process.env.WECHAT_MINI_BASE_URL ?? 'http://127.0.0.1:8960'
const logger = createLogger({ service: 'message-mq-test', level: 'fatal' })

function svcFor(baseUrl: string) {
  const conf: MessageMqConf = {
    Name: 'message-mq-test',
    Kafka: {
      Brokers: ['127.0.0.1:9092'],
      Topic: 't',
      Group: 'g',
      Offset: 'first',
      Retry: { Attempts: 1, InitialBackoffMs: 1, MaxBackoffMs: 1 },
    },
    WxMiniConf: {
      AppId: process.env.WECHAT_MINI_APPID ?? 'wx6c4a7e2b1f9d3e58',
      Secret: process.env.WECHAT_MINI_SECRET ?? 'looklooksandboxsecret00000000000',
      BaseUrl: baseUrl,
      StableToken: true,
      TimeoutMs: 2000,
    },
    MiniprogramState: 'trial',
    Lang: 'zh_CN',
  }
  return createServiceContext(conf, logger)
}

async function sandboxOpenid(): Promise<string> {
  const res = await fetch(`${SANDBOX}/sandbox/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nickName: `message-mq-${randomUUID()}` }),
  })
  const body = (await res.json()) as { openid: string }
  return body.openid
}

interface Received {
  template_id: string
  page: string
  data: Record<string, { value: string }>
  miniprogram_state: string
}

async function received(openid: string): Promise<Received[]> {
  const res = await fetch(`${SANDBOX}/sandbox/messages?openid=${encodeURIComponent(openid)}`)
  return ((await res.json()) as { messages: Received[] }).messages
}

test('value#color splits into value and color; a "#" that is not a colour stays in the value', () => {
  assert.deepEqual(toTemplateData({ thing1: 'Sea view#FF0000', thing2: 'Room #12', time4: '2025-05-01', c: 'x#abc' }), {
    thing1: { value: 'Sea view', color: '#FF0000' },
    thing2: { value: 'Room #12' },
    time4: { value: '2025-05-01' },
    c: { value: 'x', color: '#abc' },
  })
})

test('a message reaches WeChat with a cached token, miniprogram_state from config', async () => {
  const svc = svcFor(SANDBOX)
  const openid = await sandboxOpenid()
  const msg = {
    openid,
    templateID: 'tpl-pay-success',
    page: 'pages/order/detail?sn=HSO1',
    data: { thing1: 'Sea view#173177', amount2: '12.30' },
  }
  await sendWxMiniTplMessage(svc, msg)
  await sendWxMiniTplMessage(svc, { ...msg, data: { thing1: 'second' } })
  const got = await received(openid)
  assert.equal(got.length, 2)
  assert.equal(got[0]?.template_id, 'tpl-pay-success')
  assert.equal(got[0]?.page, 'pages/order/detail?sn=HSO1')
  assert.deepEqual(got[0]?.data, { thing1: { value: 'Sea view' }, amount2: { value: '12.30' } })
  assert.equal(got[0]?.miniprogram_state, 'trial')
})

test('a stale token is refreshed and the send retried once', async () => {
  const svc = svcFor(SANDBOX)
  const openid = await sandboxOpenid()
  await sendWxMiniTplMessage(svc, { openid, templateID: 't', page: '', data: { thing1: 'before' } })
  await fetch(`${SANDBOX}/sandbox/expire-tokens`, { method: 'POST' })
  await sendWxMiniTplMessage(svc, { openid, templateID: 't', page: '', data: { thing1: 'after' } })
  assert.deepEqual(
    (await received(openid)).map((m) => m.data.thing1?.value),
    ['before', 'after'],
  )
})

test('WeChat business refusals are poison; network failures are not', async () => {
  const svc = svcFor(SANDBOX)
  const openid = await sandboxOpenid()
  const isPoison = (code: number) => (err: unknown) =>
    err instanceof PoisonMessageError && err.message === `wechat refused the subscribe message (errcode ${code})`
  // thing values are limited to 20 characters (47003), unknown openids are 40003.
  await assert.rejects(sendWxMiniTplMessage(svc, { openid, templateID: 't', page: '', data: { thing1: 'x'.repeat(21) } }), isPoison(47003))
  await assert.rejects(
    sendWxMiniTplMessage(svc, { openid: 'o-not-a-sandbox-user', templateID: 't', page: '', data: { thing1: 'x' } }),
    isPoison(40003),
  )
  assert.deepEqual(await received(openid), [])
  await assert.rejects(
    sendWxMiniTplMessage(svcFor('http://127.0.0.1:1'), { openid, templateID: 't', page: '', data: { thing1: 'x' } }),
    (err: unknown) => err instanceof Error && !(err instanceof PoisonMessageError),
  )
})
