import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { AccessTokenCache, code2Session, decryptUserData, sendSubscribeMessage, WechatApiError, WechatDecryptError } from '@looklook/wechat'
import { miniConf, postJson, sandboxLogin, startTestSandbox, type TestSandbox } from './support.ts'

let sb: TestSandbox

before(async () => {
  sb = await startTestSandbox()
})

after(async () => {
  await sb.close()
})

const isErrcode = (code: number) => (err: unknown) => err instanceof WechatApiError && err.errcode === code

test('sandbox login → code2Session → decryptUserData gives the user and phone payload; same nickName, same openid', async () => {
  const nickName = `guest-${randomUUID()}`
  const login = await sandboxLogin(sb, nickName)
  const session = await code2Session(miniConf(sb), login.code)
  assert.equal(session.openid, login.openid)
  assert.match(session.openid, /^o[A-Za-z0-9_-]{27}$/)
  const data = decryptUserData(session.session_key, login.iv, login.encryptedData, sb.conf.AppId)
  assert.equal(data.nickName, nickName)
  assert.equal(data.openId, login.openid)
  assert.ok([0, 1, 2].includes(data.gender ?? -1))
  assert.match(data.avatarUrl ?? '', /^https:\/\//)
  // looklook keeps phoneNumber[7:], so the number must be longer than 7 characters.
  assert.match(data.phoneNumber ?? '', /^1\d{10}$/)
  assert.equal(data.purePhoneNumber, data.phoneNumber)
  assert.equal(data.watermark.appid, sb.conf.AppId)
  assert.throws(() => decryptUserData(session.session_key, login.iv, login.encryptedData, 'wxsomeoneelse'), WechatDecryptError)

  const again = await sandboxLogin(sb, nickName)
  assert.equal(again.openid, login.openid)
  assert.notEqual(again.code, login.code)
  const session2 = await code2Session(miniConf(sb), again.code)
  const data2 = decryptUserData(session2.session_key, again.iv, again.encryptedData, sb.conf.AppId)
  assert.equal(data2.phoneNumber, data.phoneNumber, 'the phone number is stable per nickName')
  assert.notEqual((await sandboxLogin(sb, `${nickName}-2`)).openid, login.openid)
})

test('a code works once (40163), unknown codes are 40029, wrong credentials are rejected', async () => {
  const login = await sandboxLogin(sb, `guest-${randomUUID()}`)
  await code2Session(miniConf(sb), login.code)
  await assert.rejects(code2Session(miniConf(sb), login.code), isErrcode(40163))
  await assert.rejects(code2Session(miniConf(sb), 'no-such-code'), isErrcode(40029))
  await assert.rejects(code2Session({ ...miniConf(sb), secret: 'wrong' }, login.code), isErrcode(40125))
  await assert.rejects(code2Session({ ...miniConf(sb), appId: 'wxother' }, login.code), isErrcode(40013))
  const bad = await postJson(`${sb.baseUrl}/sandbox/login`, { nickName: '' })
  assert.equal(bad.status, 400)
})

test('subscribe messages sent with a cached token are stored and listed newest last', async () => {
  const { openid } = await sandboxLogin(sb, `guest-${randomUUID()}`)
  const cache = new AccessTokenCache(miniConf(sb))
  // silenceper's shape: empty page/lang and an empty color in every item must be accepted.
  await sendSubscribeMessage({ baseUrl: sb.baseUrl }, cache, {
    touser: openid,
    template_id: 'pay-success-template',
    page: '',
    data: { character_string6: { value: 'HSO2024050112000012345678' }, thing1: { value: '海景房两晚' } },
    lang: '' as 'zh_CN',
    miniprogram_state: 'developer',
  })
  // looklook's formats: Y-m-d dates in time/date fields, a bare %.2f amount, a 20-character thing.
  await sendSubscribeMessage({ baseUrl: sb.baseUrl }, cache, {
    touser: openid,
    template_id: 'live-know-template',
    data: {
      date2: { value: '2024-05-01' },
      time4: { value: '2024-05-03' },
      amount2: { value: '598.00' },
      character_string4: { value: 'aB3dE5fG' },
      thing1: { value: '请不要将验证码告知商家以外人员，以防上当' },
    },
  })
  const res = await fetch(`${sb.baseUrl}/sandbox/messages?openid=${openid}`)
  const list = (await res.json()) as {
    messages: { template_id: string; miniprogram_state: string; data: Record<string, { value: string }> }[]
  }
  assert.deepEqual(
    list.messages.map((m) => m.template_id),
    ['pay-success-template', 'live-know-template'],
  )
  assert.equal(list.messages[0]?.miniprogram_state, 'developer')
  assert.equal(list.messages[1]?.data.amount2?.value, '598.00')
  const other = (await (await fetch(`${sb.baseUrl}/sandbox/messages?openid=onobody`)).json()) as { messages: unknown[] }
  assert.deepEqual(other.messages, [])
})

test('subscribe send validates token, touser, template_id and data values', async () => {
  const { openid } = await sandboxLogin(sb, `guest-${randomUUID()}`)
  const token = await new AccessTokenCache(miniConf(sb)).get()
  const send = (body: Parameters<typeof sendSubscribeMessage>[2], tok = token) => sendSubscribeMessage({ baseUrl: sb.baseUrl }, tok, body)
  const ok = { touser: openid, template_id: 't1', data: { thing1: { value: 'ok' } } }
  await send(ok)
  await assert.rejects(send(ok, 'not-a-token'), isErrcode(40001))
  await assert.rejects(send({ ...ok, touser: 'oSomeoneElseEntirely000000000' }), isErrcode(40003))
  await assert.rejects(send({ ...ok, template_id: '' }), isErrcode(40037))
  await assert.rejects(send({ ...ok, data: { thing1: { value: 'x'.repeat(21) } } }), isErrcode(47003))
  await assert.rejects(send({ ...ok, data: { thing1: { value: '' } } }), isErrcode(47003))
  await assert.rejects(send({ ...ok, data: { number3: { value: '12a' } } }), isErrcode(47003))
  await assert.rejects(send({ ...ok, data: { time4: { value: 'tomorrow' } } }), isErrcode(47003))
  await assert.rejects(send({ ...ok, data: { character_string1: { value: 'has space' } } }), isErrcode(47003))
  await assert.rejects(send({ ...ok, miniprogram_state: 'beta' as 'formal' }), isErrcode(47003))
  await send({
    ...ok,
    data: { time4: { value: '2019年10月1日 15:01 ~ 2019年10月2日 12:00' }, amount2: { value: '¥12.50元' }, phrase3: { value: '已支付' } },
  })
  const list = (await (await fetch(`${sb.baseUrl}/sandbox/messages?openid=${openid}`)).json()) as { messages: unknown[] }
  assert.equal(list.messages.length, 2, 'only accepted messages are stored')
})

test('an expired token is answered with 42001; the cache refreshes it and the send goes through', async () => {
  const { openid } = await sandboxLogin(sb, `guest-${randomUUID()}`)
  const cache = new AccessTokenCache(miniConf(sb))
  const stale = await cache.get()
  const expired = await postJson(`${sb.baseUrl}/sandbox/expire-tokens`, {})
  assert.equal(expired.status, 200)
  const msg = { touser: openid, template_id: 't', data: { thing1: { value: 'hello' } } }
  await assert.rejects(sendSubscribeMessage({ baseUrl: sb.baseUrl }, stale, msg), isErrcode(42001))
  await sendSubscribeMessage({ baseUrl: sb.baseUrl }, cache, msg)
  assert.notEqual(await cache.get(), stale)
})

test('stable_token returns the same token until forced; a new plain token leaves the old one valid for a while', async () => {
  const stable = new AccessTokenCache({ ...miniConf(sb), stable: true })
  const a = await stable.get()
  const b = await new AccessTokenCache({ ...miniConf(sb), stable: true }).get()
  assert.equal(a, b)
  const forced = await postJson<{ access_token: string }>(`${sb.baseUrl}/cgi-bin/stable_token`, {
    grant_type: 'client_credential',
    appid: sb.conf.AppId,
    secret: sb.conf.AppSecret,
    force_refresh: true,
  })
  assert.notEqual(forced.body.access_token, a)

  const { openid } = await sandboxLogin(sb, `guest-${randomUUID()}`)
  const first = await new AccessTokenCache(miniConf(sb)).get()
  const second = await new AccessTokenCache(miniConf(sb)).get()
  assert.notEqual(first, second)
  await sendSubscribeMessage({ baseUrl: sb.baseUrl }, first, { touser: openid, template_id: 't', data: { thing1: { value: 'x' } } })
})
