import assert from 'node:assert/strict'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin'
import {
  aeadDecrypt,
  aeadEncrypt,
  aesCbcEncrypt,
  decryptUserData,
  PlatformVerifier,
  parseAuthorization,
  paySignMessage,
  randomBase64,
  requestSignMessage,
  responseSignMessage,
  signatureHeaders,
  signRequest,
  WechatDecryptError,
  WechatSignatureError,
} from '../src/index.ts'

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
const API_V3_KEY = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6'

// Shared code can hide symmetric bugs (the sandbox and the client use the same helpers), so the
// wire formats are checked against an independent implementation: wechatpay-axios-plugin.
test('request signature matches wechatpay-axios-plugin message format and verifies with its Rsa.verify', () => {
  const body = JSON.stringify({ appid: 'wx1', amount: { total: 1 }, description: '民宿' })
  const header = signRequest({
    method: 'POST',
    pathWithQuery: '/v3/pay/transactions/jsapi',
    body,
    mchId: '1900000109',
    serialNo: 'ABC123',
    privateKey: merchant.privateKey,
    timestamp: 1700000000,
    nonce: 'NONCE123',
  })
  const auth = parseAuthorization(header)
  assert.ok(auth)
  const theirs = Formatter.request('POST', '/v3/pay/transactions/jsapi', '1700000000', 'NONCE123', body)
  assert.equal(requestSignMessage('POST', '/v3/pay/transactions/jsapi', 1700000000, 'NONCE123', body), theirs)
  assert.ok(theirs.endsWith(`${body}\n`))
  assert.equal(Rsa.verify(theirs, auth.signature, merchant.publicKey), true)
  assert.equal(Formatter.response('1', 'N', ''), responseSignMessage(1, 'N', ''))
  assert.equal(
    Formatter.joinedByLineFeed('wx1', '1700000000', 'n', 'prepay_id=wx2'),
    paySignMessage('wx1', '1700000000', 'n', 'prepay_id=wx2'),
  )
})

test('GET request message ends with an empty body line', () => {
  assert.equal(requestSignMessage('get', '/v3/certificates', 1, 'N', ''), 'GET\n/v3/certificates\n1\nN\n\n')
})

test('AEAD_AES_256_GCM interoperates with wechatpay-axios-plugin both ways, tag checked', () => {
  const nonce = 'abcdefghijkl'
  const ours = aeadEncrypt(API_V3_KEY, nonce, 'transaction', '{"trade_state":"SUCCESS"}')
  assert.equal(Aes.AesGcm.decrypt(ours, API_V3_KEY, nonce, 'transaction'), '{"trade_state":"SUCCESS"}')
  const theirs = Aes.AesGcm.encrypt('{"out_trade_no":"PMT1"}', API_V3_KEY, nonce, '')
  assert.equal(aeadDecrypt(API_V3_KEY, nonce, '', theirs), '{"out_trade_no":"PMT1"}')

  const raw = Buffer.from(ours, 'base64')
  raw[0] = (raw[0] ?? 0) ^ 0x01
  assert.throws(() => aeadDecrypt(API_V3_KEY, nonce, 'transaction', raw.toString('base64')), WechatDecryptError)
  assert.throws(() => aeadDecrypt(API_V3_KEY, nonce, 'certificate', ours), WechatDecryptError, 'wrong associated data')
  assert.throws(() => aeadDecrypt('short', nonce, 'transaction', ours), WechatDecryptError)
})

test('parseAuthorization accepts parameters in any order and rejects incomplete headers', () => {
  const p = parseAuthorization('WECHATPAY2-SHA256-RSA2048 signature="c2ln",serial_no="S1",timestamp="12",nonce_str="N",mchid="M"')
  assert.deepEqual(p, { mchid: 'M', nonce_str: 'N', timestamp: '12', serial_no: 'S1', signature: 'c2ln' })
  assert.equal(parseAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="M",nonce_str="N"'), undefined)
  assert.equal(parseAuthorization('Bearer abc'), undefined)
  assert.equal(parseAuthorization(undefined), undefined)
})

test('PlatformVerifier: accepts a good signature, rejects unknown serial, stale timestamp, SIGNTEST, tampering, missing headers', () => {
  const now = 1_700_000_000_000
  const verifier = new PlatformVerifier({ now: () => now })
  verifier.addKey('PUB_KEY_ID_1', platform.publicKey)
  const body = '{"prepay_id":"wx1"}'
  const good = signatureHeaders(body, platform.privateKey, 'PUB_KEY_ID_1', { timestamp: now / 1000 - 299 })
  assert.equal(verifier.verify(good, body).serial, 'PUB_KEY_ID_1')
  // Header names are matched case-insensitively, as node lower-cases them.
  const lower = Object.fromEntries(Object.entries(good).map(([k, v]) => [k.toLowerCase(), v]))
  assert.equal(verifier.verify(lower, body).nonce, good['Wechatpay-Nonce'])
  assert.equal(verifier.verify(new Headers(good), body).timestamp, String(now / 1000 - 299))

  assert.throws(() => verifier.verify(good, '{"prepay_id":"wx2"}'), WechatSignatureError)
  assert.throws(() => verifier.verify({ ...good, 'Wechatpay-Serial': 'OTHER' }, body), /unknown Wechatpay-Serial/)
  const stale = signatureHeaders(body, platform.privateKey, 'PUB_KEY_ID_1', { timestamp: now / 1000 - 300 })
  assert.throws(() => verifier.verify(stale, body), /outside the 300 s window/)
  const future = signatureHeaders(body, platform.privateKey, 'PUB_KEY_ID_1', { timestamp: now / 1000 + 300 })
  assert.throws(() => verifier.verify(future, body), /outside/)
  assert.throws(
    () => verifier.verify({ ...good, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${good['Wechatpay-Signature']}` }, body),
    /does not verify/,
  )
  assert.throws(() => verifier.verify({ ...good, 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' }, body), /unsupported/)
  const { 'Wechatpay-Signature': _omit, ...unsigned } = good
  assert.throws(() => verifier.verify(unsigned, body), /missing/)
  const forged = signatureHeaders(body, merchant.privateKey, 'PUB_KEY_ID_1', { timestamp: now / 1000 })
  assert.throws(() => verifier.verify(forged, body), /does not verify/)
})

test('decryptUserData decrypts AES-128-CBC and enforces the watermark appid', () => {
  const sessionKey = randomBase64(16)
  const iv = randomBase64(16)
  const payload = {
    phoneNumber: '13800138000',
    purePhoneNumber: '13800138000',
    countryCode: '86',
    watermark: { appid: 'wxA', timestamp: 1 },
  }
  const enc = aesCbcEncrypt(sessionKey, iv, JSON.stringify(payload))
  assert.deepEqual(decryptUserData(sessionKey, iv, enc, 'wxA'), payload)
  assert.throws(() => decryptUserData(sessionKey, iv, enc, 'wxB'), /another appid/)
  assert.throws(() => decryptUserData(randomBytes(16).toString('base64'), iv, enc, 'wxA'), WechatDecryptError)
  assert.throws(() => decryptUserData('c2hvcnQ=', iv, enc, 'wxA'), /16 bytes/)
})
