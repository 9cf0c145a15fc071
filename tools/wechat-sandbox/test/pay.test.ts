import assert from 'node:assert/strict'
import { generateKeyPairSync, randomUUID, verify } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import {
  aeadDecrypt,
  certificateSerial,
  signatureHeaders,
  signRequest,
  toLooklookPayParams,
  toPrivateKey,
  toPublicKey,
  unixSeconds,
  WechatPayError,
  WechatSignatureError,
} from '@looklook/wechat'
import { Decorator } from 'wechatpay-axios-plugin'
import { outTradeNo, payClient, readKey, sandboxLogin, startTestSandbox, type TestSandbox } from './support.ts'

let sb: TestSandbox
let openid = ''

before(async () => {
  sb = await startTestSandbox()
  openid = (await sandboxLogin(sb, `payer-${randomUUID()}`)).openid
})

after(async () => {
  await sb.close()
})

const prepay = (overrides: Partial<{ outTradeNo: string; amountTotal: number; openid: string; description: string }> = {}) => ({
  description: '海景房 2 晚',
  outTradeNo: outTradeNo(),
  notifyUrl: 'http://127.0.0.1:1/payment/thirdPaymentWxPayCallback',
  amountTotal: 59800,
  openid,
  ...overrides,
})

const isPayError = (status: number, code: string) => (err: unknown) =>
  err instanceof WechatPayError && err.status === status && err.code === code

test('jsapiPrepay signed with the merchant key returns a prepay_id whose response signature verifies (public-key and certificate mode)', async () => {
  const prepayId = await payClient(sb).jsapiPrepay(prepay())
  assert.match(prepayId, /^wx\d{14}[0-9a-f]{20}$/)
  // A client trusting only the platform certificate sends no Wechatpay-Serial, so a public-key-mode
  // sandbox signs with the public key, which that client must refuse.
  await assert.rejects(payClient(sb, { mode: 'certificate' }).jsapiPrepay(prepay()), /unknown Wechatpay-Serial PUB_KEY_ID_/)

  const certSandbox = await startTestSandbox({ dataDir: sb.keys.dir.replace(/\/wechat$/, ''), overrides: { SignMode: 'certificate' } })
  try {
    assert.equal(certSandbox.keys.platformCert.serialNo, sb.keys.platformCert.serialNo, 'a second sandbox reuses the key files')
    const certLogin = await sandboxLogin(certSandbox, `payer-${randomUUID()}`)
    assert.match(await payClient(certSandbox, { mode: 'certificate' }).jsapiPrepay(prepay({ openid: certLogin.openid })), /^wx/)
    // A client configured with no WeChat key bootstraps from /v3/certificates, as looklook's auto-download does.
    const bootstrapping = payClient(certSandbox, { extra: { platform: {} } })
    await assert.rejects(bootstrapping.jsapiPrepay(prepay({ openid: certLogin.openid })), WechatSignatureError)
    await bootstrapping.downloadCertificates()
    assert.match(await bootstrapping.jsapiPrepay(prepay({ openid: certLogin.openid })), /^wx/)
  } finally {
    await certSandbox.close()
  }
})

test('a request signed with a different key is 401 SIGN_ERROR; unknown serial and stale timestamps too', async () => {
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  await assert.rejects(payClient(sb, { extra: { privateKeyPem: stranger } }).jsapiPrepay(prepay()), isPayError(401, 'SIGN_ERROR'))
  await assert.rejects(payClient(sb, { extra: { serialNo: 'ABCDEF0123' } }).jsapiPrepay(prepay()), isPayError(401, 'SIGN_ERROR'))
  await assert.rejects(payClient(sb, { extra: { now: () => Date.now() - 400_000 } }).jsapiPrepay(prepay()), isPayError(401, 'SIGN_ERROR'))
  const err = await payClient(sb, { extra: { privateKeyPem: stranger } })
    .jsapiPrepay(prepay())
    .catch((e: unknown) => e)
  const detail = (err as WechatPayError).detail as { sign_information?: { url?: string; method?: string } }
  assert.equal(detail.sign_information?.url, '/v3/pay/transactions/jsapi')
  assert.equal(detail.sign_information?.method, 'POST')
})

test('body validation: PARAM_ERROR, APPID_MCHID_NOT_MATCH, and out_trade_no idempotency', async () => {
  const client = payClient(sb)
  await assert.rejects(client.jsapiPrepay(prepay({ outTradeNo: 'P1' })), isPayError(400, 'PARAM_ERROR'))
  await assert.rejects(client.jsapiPrepay(prepay({ amountTotal: 0 })), isPayError(400, 'PARAM_ERROR'))
  await assert.rejects(client.jsapiPrepay(prepay({ openid: 'oNotAnOpenidOfThisAppAtAll00' })), isPayError(400, 'PARAM_ERROR'))
  await assert.rejects(client.jsapiPrepay({ ...prepay(), notifyUrl: 'http://127.0.0.1/cb?x=1' }), isPayError(400, 'PARAM_ERROR'))
  await assert.rejects(payClient(sb, { extra: { appId: 'wxanotherapp' } }).jsapiPrepay(prepay()), isPayError(400, 'APPID_MCHID_NOT_MATCH'))
  await assert.rejects(client.request('POST', '/v3/pay/transactions/jsapi', ['not', 'an', 'object']), isPayError(400, 'PARAM_ERROR'))

  const req = prepay()
  const first = await client.jsapiPrepay(req)
  assert.equal(await client.jsapiPrepay(req), first, 'same out_trade_no and params: same prepay_id')
  await assert.rejects(client.jsapiPrepay({ ...req, amountTotal: req.amountTotal + 1 }), isPayError(403, 'OUT_TRADE_NO_USED'))
})

test('buildJsapiPayParams: paySign verifies with the merchant certificate over appId\\ntimeStamp\\nnonceStr\\npackage\\n', async () => {
  const client = payClient(sb)
  const prepayId = await client.jsapiPrepay(prepay())
  const params = client.buildJsapiPayParams(prepayId)
  assert.equal(params.appId, sb.conf.AppId)
  assert.equal(params.package, `prepay_id=${prepayId}`)
  assert.equal(params.signType, 'RSA')
  assert.match(params.timeStamp, /^\d{10}$/)
  assert.ok(params.nonceStr.length > 0 && params.nonceStr.length <= 32)
  const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`
  const merchantCert = toPublicKey(readKey(sb.keys.paths.merchantCert))
  assert.equal(verify('sha256', Buffer.from(message), merchantCert, Buffer.from(params.paySign, 'base64')), true)
  assert.equal(verify('sha256', Buffer.from(`${message}x`), merchantCert, Buffer.from(params.paySign, 'base64')), false)
  assert.deepEqual(toLooklookPayParams(params), {
    appid: params.appId,
    nonceStr: params.nonceStr,
    paySign: params.paySign,
    package: params.package,
    timestamp: params.timeStamp,
    signType: 'RSA',
  })
})

/** A proxy in front of the sandbox that rewrites responses, to show the client refuses them. */
async function tamperingProxy(mode: 'body' | 'signtest' | 'stale' | 'unsigned') {
  const platformKey = toPrivateKey(readKey(sb.keys.paths.publicKeyPrivateKey))
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<
        string,
        string
      >
      const upstream = await fetch(`${sb.baseUrl}${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      })
      let body = await upstream.text()
      const out: Record<string, string> = {}
      for (const [k, v] of upstream.headers) if (k.startsWith('wechatpay-') || k === 'content-type') out[k] = v
      if (mode === 'body') body = body.replace(/"prepay_id":"wx/, '"prepay_id":"wy')
      if (mode === 'signtest') out['wechatpay-signature'] = `WECHATPAY/SIGNTEST/${out['wechatpay-signature']}`
      if (mode === 'unsigned') for (const k of Object.keys(out)) if (k.startsWith('wechatpay-')) delete out[k]
      if (mode === 'stale') {
        // Correctly signed by the real key, but 5 minutes old.
        const fresh = signatureHeaders(body, platformKey, sb.keys.publicKey.id, { timestamp: unixSeconds() - 300 })
        for (const [k, v] of Object.entries(fresh)) out[k.toLowerCase()] = v
      }
      res.writeHead(upstream.status, out)
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

test('the client refuses a tampered body, a SIGNTEST signature, a stale timestamp and an unsigned 2xx', async () => {
  const expected = { body: /does not verify/, signtest: /does not verify/, stale: /outside the 300 s window/, unsigned: /missing/ }
  for (const mode of ['body', 'signtest', 'stale', 'unsigned'] as const) {
    const proxy = await tamperingProxy(mode)
    try {
      await assert.rejects(
        payClient(sb, { baseUrl: proxy.url }).jsapiPrepay(prepay()),
        (err: unknown) => err instanceof WechatSignatureError && expected[mode].test(err.message),
        mode,
      )
    } finally {
      await proxy.close()
    }
  }
})

test('order query: NOTPAY after prepay, 404 ORDER_NOT_EXIST for unknown numbers; close makes it CLOSED', async () => {
  const client = payClient(sb)
  const req = prepay()
  await client.jsapiPrepay(req)
  const tx = await client.queryOrderByOutTradeNo(req.outTradeNo)
  assert.equal(tx.trade_state, 'NOTPAY')
  assert.equal(tx.out_trade_no, req.outTradeNo)
  assert.equal(tx.amount?.total, req.amountTotal)
  assert.equal(tx.transaction_id, undefined)
  await assert.rejects(client.queryOrderByOutTradeNo('PMTNOSUCHORDER'), isPayError(404, 'ORDER_NOT_EXIST'))
  assert.equal(
    await client.request('POST', `/v3/pay/transactions/out-trade-no/${req.outTradeNo}/close`, { mchid: sb.conf.MchId }),
    undefined,
  )
  assert.equal((await client.queryOrderByOutTradeNo(req.outTradeNo)).trade_state, 'CLOSED')
})

test('/v3/certificates decrypts to a certificate whose serial is the Wechatpay-Serial that signed the list', async () => {
  const key = toPrivateKey(readKey(sb.keys.paths.merchantKey))
  const authorization = signRequest({
    method: 'GET',
    pathWithQuery: '/v3/certificates',
    body: '',
    mchId: sb.conf.MchId,
    serialNo: sb.keys.merchant.serialNo,
    privateKey: key,
  })
  const res = await fetch(`${sb.baseUrl}/v3/certificates`, { headers: { Authorization: authorization, Accept: 'application/json' } })
  assert.equal(res.status, 200)
  const body = (await res.json()) as {
    data: { serial_no: string; expire_time: string; encrypt_certificate: { nonce: string; associated_data: string; ciphertext: string } }[]
  }
  const entry = body.data[0]
  assert.ok(entry)
  const pem = aeadDecrypt(
    readKey(sb.keys.paths.apiV3Key).trim(),
    entry.encrypt_certificate.nonce,
    entry.encrypt_certificate.associated_data,
    entry.encrypt_certificate.ciphertext,
  )
  assert.equal(certificateSerial(pem), res.headers.get('Wechatpay-Serial'))
  assert.equal(entry.serial_no, res.headers.get('Wechatpay-Serial'))
  assert.match(entry.expire_time, /\+08:00$/)

  // A public-key client downloads the list and from then on trusts the certificate's serial too.
  const client = payClient(sb)
  const certs = await client.downloadCertificates()
  assert.deepEqual(
    certs.map((c) => c.serialNo),
    [sb.keys.platformCert.serialNo],
  )
  assert.ok(client.verifier.has(sb.keys.platformCert.serialNo))
})

test('an independent client (wechatpay-axios-plugin) signs requests the sandbox accepts and verifies its answer', async () => {
  // The plugin merges axios options such as baseURL into its config, though its typings omit them.
  const config = {
    mchid: sb.conf.MchId,
    serial: sb.keys.merchant.serialNo,
    privateKey: readKey(sb.keys.paths.merchantKey),
    certs: { [sb.keys.publicKey.id]: readKey(sb.keys.paths.publicKey) },
    baseURL: `${sb.baseUrl}/`,
  }
  const v3 = Decorator.jsonBased(config)
  const res = await v3.post<{ prepay_id: string }>('/v3/pay/transactions/jsapi', {
    appid: sb.conf.AppId,
    mchid: sb.conf.MchId,
    description: 'cross-check',
    out_trade_no: outTradeNo(),
    notify_url: 'https://merchant.example/notify',
    amount: { total: 1, currency: 'CNY' },
    payer: { openid },
  })
  assert.equal(res.status, 200)
  assert.match(res.data.prepay_id, /^wx/)
})
