/**
 * The cryptographic building blocks of WeChat's protocols, on node:crypto only. Shared by the
 * production clients and the local sandbox, so both sides speak byte-identical formats
 * (doc/wechat.md).
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  randomInt,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto'
import { WechatDecryptError, WechatSignatureError } from './errors.ts'

/** The only signature scheme WeChat Pay v3 uses, as written in `Authorization` and `Wechatpay-Signature-Type`. */
export const SIGNATURE_SCHEME = 'WECHATPAY2-SHA256-RSA2048'

/** WeChat's probe signatures start with this; they must never verify. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/'

/** Replay window for response and notification timestamps, in seconds: WeChat Pay's five minutes. */
export const MAX_CLOCK_SKEW_SECONDS = 300

const NONCE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** A random nonce of `[0-9A-Z]`, 32 characters by default (request `nonce_str`, JSAPI `nonceStr`, notification nonces). */
export function nonceStr(length = 32): string {
  let out = ''
  for (let i = 0; i < length; i++) out += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)]
  return out
}

/** Current Unix time in whole seconds. */
export function unixSeconds(nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000)
}

/** A PEM private key (PKCS#8 or PKCS#1) or an existing KeyObject, as a private KeyObject. */
export function toPrivateKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key
}

/** A PEM public key, a PEM X.509 certificate or an existing KeyObject, as a public KeyObject. */
export function toPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key
  if (key.includes('BEGIN CERTIFICATE')) return new X509Certificate(key).publicKey
  return createPublicKey(key)
}

/** The serial number of a PEM certificate as WeChat writes it: uppercase hex. */
export function certificateSerial(pem: string): string {
  return new X509Certificate(pem).serialNumber.toUpperCase()
}

/** The message a merchant signs for a Pay v3 request: `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` (BODY empty for GET). */
export function requestSignMessage(method: string, pathWithQuery: string, timestamp: string | number, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`
}

/** The message WeChat signs for a response or notification: `TIMESTAMP\nNONCE\nBODY\n` over the raw body. */
export function responseSignMessage(timestamp: string | number, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`
}

/** base64(RSASSA-PKCS1-v1_5 SHA-256) of a UTF-8 message. */
export function signSha256Rsa(message: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(message, 'utf8'), privateKey).toString('base64')
}

/** Verifies a base64 SHA256-RSA signature; probe (`WECHATPAY/SIGNTEST/`) and malformed signatures are false, never a throw. */
export function verifySha256Rsa(message: string, signature: string, publicKey: KeyObject): boolean {
  if (signature.startsWith(SIGNTEST_PREFIX) || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

/** The five parameters of a `WECHATPAY2-SHA256-RSA2048` Authorization header. */
export interface AuthorizationParams {
  mchid: string
  nonce_str: string
  timestamp: string
  serial_no: string
  signature: string
}

/** Formats `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"`. */
export function formatAuthorization(p: AuthorizationParams): string {
  return `${SIGNATURE_SCHEME} mchid="${p.mchid}",nonce_str="${p.nonce_str}",timestamp="${p.timestamp}",serial_no="${p.serial_no}",signature="${p.signature}"`
}

/** Parses an Authorization header (parameters in any order); undefined when the scheme or a parameter is missing. */
export function parseAuthorization(header: string | undefined): AuthorizationParams | undefined {
  if (!header?.startsWith(`${SIGNATURE_SCHEME} `)) return undefined
  const params = new Map<string, string>()
  for (const m of header.slice(SIGNATURE_SCHEME.length + 1).matchAll(/\s*([a-z_]+)="([^"]*)"\s*,?/g)) {
    params.set(m[1] ?? '', m[2] ?? '')
  }
  const mchid = params.get('mchid')
  const nonce = params.get('nonce_str')
  const timestamp = params.get('timestamp')
  const serial = params.get('serial_no')
  const signature = params.get('signature')
  if (!mchid || !nonce || !timestamp || !serial || !signature) return undefined
  return { mchid, nonce_str: nonce, timestamp, serial_no: serial, signature }
}

/** Builds the Authorization header value for one request, signed with the merchant private key. */
export function signRequest(opts: {
  method: string
  pathWithQuery: string
  body: string
  mchId: string
  serialNo: string
  privateKey: KeyObject
  timestamp?: number
  nonce?: string
}): string {
  const timestamp = String(opts.timestamp ?? unixSeconds())
  const nonce = opts.nonce ?? nonceStr()
  const signature = signSha256Rsa(requestSignMessage(opts.method, opts.pathWithQuery, timestamp, nonce, opts.body), opts.privateKey)
  return formatAuthorization({ mchid: opts.mchId, nonce_str: nonce, timestamp, serial_no: opts.serialNo, signature })
}

/** Headers as fetch's `Headers` or a plain object (node `IncomingHttpHeaders`, fastify's `request.headers`). */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>

/** Case-insensitive header lookup over both header shapes; the first value of a repeated header. */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const lower = name.toLowerCase()
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v[0] : v
  }
  return undefined
}

/** The `Wechatpay-*` headers that accompany a signed response or notification. */
export interface WechatpaySignature {
  timestamp: string
  nonce: string
  signature: string
  serial: string
}

/**
 * Signs a response or notification body with a platform key and returns the headers WeChat sends:
 * `Wechatpay-Timestamp`, `-Nonce`, `-Signature`, `-Serial`, `-Signature-Type`.
 */
export function signatureHeaders(
  body: string,
  privateKey: KeyObject,
  serial: string,
  opts: { timestamp?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(opts.timestamp ?? unixSeconds())
  const nonce = opts.nonce ?? nonceStr()
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signSha256Rsa(responseSignMessage(timestamp, nonce, body), privateKey),
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature-Type': SIGNATURE_SCHEME,
  }
}

/**
 * Verifies WeChat Pay response and notification signatures against a set of trusted keys, chosen
 * by `Wechatpay-Serial`: platform certificate serials and WeChat Pay public-key ids (`PUB_KEY_ID_…`)
 * live in the same map, which covers certificate mode, public-key mode and the migration between them.
 */
export class PlatformVerifier {
  readonly #keys = new Map<string, KeyObject>()
  readonly #now: () => number
  readonly #maxSkew: number

  constructor(opts: { now?: () => number; maxSkewSeconds?: number } = {}) {
    this.#now = opts.now ?? Date.now
    this.#maxSkew = opts.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS
  }

  /** Trusts a public key (PEM, certificate PEM or KeyObject) under a serial or public-key id. */
  addKey(serial: string, key: string | KeyObject): void {
    this.#keys.set(serial, toPublicKey(key))
  }

  /** Trusts a platform certificate under its own serial; returns that serial. */
  addCertificate(pem: string): string {
    const serial = certificateSerial(pem)
    this.addKey(serial, pem)
    return serial
  }

  has(serial: string): boolean {
    return this.#keys.has(serial)
  }

  serials(): string[] {
    return [...this.#keys.keys()]
  }

  /**
   * Checks, in order: all signature headers present, a known signature type, a known serial,
   * |now − timestamp| < 300 s, then the RSA signature over `TIMESTAMP\nNONCE\nBODY\n`.
   * Returns the parsed headers; throws WechatSignatureError naming the failed check.
   */
  verify(headers: HeaderSource, body: string, extraKeys?: ReadonlyMap<string, KeyObject>): WechatpaySignature {
    const timestamp = headerValue(headers, 'Wechatpay-Timestamp')
    const nonce = headerValue(headers, 'Wechatpay-Nonce')
    const signature = headerValue(headers, 'Wechatpay-Signature')
    const serial = headerValue(headers, 'Wechatpay-Serial')
    if (!timestamp || !nonce || !signature || !serial) throw new WechatSignatureError('missing Wechatpay signature headers')
    const type = headerValue(headers, 'Wechatpay-Signature-Type')
    // wechatpay-go treats a missing type as RSA; anything else is a scheme this client cannot check.
    if (type !== undefined && type !== SIGNATURE_SCHEME) throw new WechatSignatureError(`unsupported signature type ${type}`)
    const key = this.#keys.get(serial) ?? extraKeys?.get(serial)
    if (!key) throw new WechatSignatureError(`unknown Wechatpay-Serial ${serial}`)
    if (!/^\d{1,12}$/.test(timestamp)) throw new WechatSignatureError('malformed Wechatpay-Timestamp')
    if (Math.abs(unixSeconds(this.#now()) - Number(timestamp)) >= this.#maxSkew) {
      throw new WechatSignatureError(`Wechatpay-Timestamp ${timestamp} is outside the ${this.#maxSkew} s window`)
    }
    if (!verifySha256Rsa(responseSignMessage(timestamp, nonce, body), signature, key)) {
      throw new WechatSignatureError('Wechatpay-Signature does not verify')
    }
    return { timestamp, nonce, signature, serial }
  }
}

/** The `resource` / `encrypt_certificate` object of a notification or certificate list. */
export interface EncryptedResource {
  algorithm: string
  ciphertext: string
  associated_data?: string
  nonce: string
  original_type?: string
}

const GCM_TAG_BYTES = 16

function apiV3KeyBytes(apiV3Key: string): Buffer {
  // The APIv3 key is used as its ASCII bytes, never base64-decoded, as WeChat Pay does.
  const key = Buffer.from(apiV3Key, 'utf8')
  if (key.length !== 32) throw new WechatDecryptError('the APIv3 key must be 32 bytes')
  return key
}

/** AEAD_AES_256_GCM encryption as WeChat does it: returns base64(ciphertext ‖ 16-byte tag). */
export function aeadEncrypt(apiV3Key: string, nonce: string, associatedData: string, plaintext: string): string {
  const cipher = createCipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return Buffer.concat([ct, cipher.getAuthTag()]).toString('base64')
}

/** AEAD_AES_256_GCM decryption; the tag is always checked (`final()`), a mismatch throws WechatDecryptError. */
export function aeadDecrypt(apiV3Key: string, nonce: string, associatedData: string, ciphertextB64: string): string {
  const key = apiV3KeyBytes(apiV3Key)
  const data = Buffer.from(ciphertextB64, 'base64')
  if (data.length < GCM_TAG_BYTES) throw new WechatDecryptError('ciphertext is shorter than the GCM tag')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'))
    decipher.setAAD(Buffer.from(associatedData, 'utf8'))
    decipher.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES))
    return Buffer.concat([decipher.update(data.subarray(0, data.length - GCM_TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch (err) {
    throw new WechatDecryptError('AEAD_AES_256_GCM decryption failed (tag mismatch or wrong key)', { cause: err })
  }
}

/** AES-128-CBC / PKCS#7 encryption of mini-program user data; key and IV are base64 (16 bytes each). */
export function aesCbcEncrypt(keyB64: string, ivB64: string, plaintext: string): string {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(keyB64, 'base64'), Buffer.from(ivB64, 'base64'))
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64')
}

/** AES-128-CBC / PKCS#7 decryption of mini-program `encryptedData`; throws WechatDecryptError on a bad key, IV or padding. */
export function aesCbcDecrypt(keyB64: string, ivB64: string, ciphertextB64: string): string {
  const key = Buffer.from(keyB64, 'base64')
  const iv = Buffer.from(ivB64, 'base64')
  if (key.length !== 16 || iv.length !== 16) throw new WechatDecryptError('session_key and iv must decode to 16 bytes')
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, iv)
    return Buffer.concat([decipher.update(Buffer.from(ciphertextB64, 'base64')), decipher.final()]).toString('utf8')
  } catch (err) {
    throw new WechatDecryptError('AES-128-CBC decryption failed (wrong session_key or iv)', { cause: err })
  }
}

/** Fresh random bytes as base64, e.g. a session_key or an iv. */
export function randomBase64(bytes: number): string {
  return randomBytes(bytes).toString('base64')
}
