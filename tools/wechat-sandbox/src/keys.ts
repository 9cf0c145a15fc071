/**
 * The sandbox's key material, generated on first start and reused afterwards, written as files
 * the services read by path (layout in README.md). The whole set is built in a temporary sibling
 * directory and renamed into place in one step, so two processes starting at once never mix
 * halves of two sets: the loser of the rename discards its own set and loads the winner's.
 */
import { createPrivateKey, generateKeyPair, type KeyObject, randomBytes, randomInt, X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { certificateSerial, toPublicKey } from '@looklook/wechat'
import { selfSignedCertificate } from './x509.ts'

/** File names inside the key directory. */
export const KEY_FILES = {
  apiV3Key: 'apiv3.key',
  merchantKey: 'merchant/apiclient_key.pem',
  merchantCert: 'merchant/apiclient_cert.pem',
  merchantSerial: 'merchant/serial',
  platformCert: 'platform/cert.pem',
  platformSerial: 'platform/serial',
  publicKey: 'platform/pub_key.pem',
  publicKeyId: 'platform/pub_key_id',
  platformCertPrivateKey: 'sandbox/platform_cert_key.pem',
  publicKeyPrivateKey: 'sandbox/pub_key_private.pem',
} as const

/** The loaded key set: file paths for service configs, key objects for the sandbox itself. */
export interface SandboxKeys {
  dir: string
  paths: { [K in keyof typeof KEY_FILES]: string }
  apiV3Key: string
  merchant: { serialNo: string; publicKey: KeyObject }
  /** Certificate mode: the platform certificate and the key WeChat signs with under its serial. */
  platformCert: { serialNo: string; pem: string; privateKey: KeyObject; notBefore: Date; notAfter: Date }
  /** Public-key mode: the WeChat Pay public key id and the private half the sandbox signs with. */
  publicKey: { id: string; privateKey: KeyObject }
}

const generateRsa = promisify(generateKeyPair)
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const CERT_LIFETIME_MS = 5 * 365 * 24 * 3600 * 1000

function randomSerial(): string {
  // 20 bytes like WeChat's serials; a first byte of 0x10–0x7f keeps the DER integer positive and 40 hex digits long.
  const bytes = randomBytes(20)
  bytes[0] = 0x10 + ((bytes[0] ?? 0) % 0x70)
  return bytes.toString('hex').toUpperCase()
}

function randomApiV3Key(): string {
  let key = ''
  for (let i = 0; i < 32; i++) key += ALNUM[randomInt(ALNUM.length)]
  return key
}

async function rsaPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return generateRsa('rsa', { modulusLength: 2048 })
}

function pkcs8(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString()
}

async function generateInto(dir: string, mchId: string, apiV3Key: string): Promise<void> {
  const [merchant, platform, pub] = await Promise.all([rsaPair(), rsaPair(), rsaPair()])
  const notBefore = new Date(Date.now() - 24 * 3600 * 1000)
  const notAfter = new Date(notBefore.getTime() + CERT_LIFETIME_MS)
  const merchantCert = selfSignedCertificate({
    serialHex: randomSerial(),
    subject: { C: 'CN', O: 'WeChat Pay merchant (sandbox)', OU: 'looklook', CN: mchId },
    notBefore,
    notAfter,
    ...merchant,
  })
  const platformCert = selfSignedCertificate({
    serialHex: randomSerial(),
    subject: { C: 'CN', O: 'Tenpay.com (sandbox)', OU: 'Tenpay.com CA Center', CN: 'Tenpay.com sign' },
    notBefore,
    notAfter,
    ...platform,
  })
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '')
  const files: Record<keyof typeof KEY_FILES, string> = {
    apiV3Key: `${apiV3Key}\n`,
    merchantKey: pkcs8(merchant.privateKey),
    merchantCert,
    merchantSerial: `${certificateSerial(merchantCert)}\n`,
    platformCert,
    platformSerial: `${certificateSerial(platformCert)}\n`,
    publicKey: pub.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyId: `PUB_KEY_ID_01${mchId}${day}${String(randomInt(1e6)).padStart(6, '0')}\n`,
    platformCertPrivateKey: pkcs8(platform.privateKey),
    publicKeyPrivateKey: pkcs8(pub.privateKey),
  }
  const secret = new Set<string>(['apiV3Key', 'merchantKey', 'platformCertPrivateKey', 'publicKeyPrivateKey'])
  for (const [k, content] of Object.entries(files)) {
    const path = join(dir, KEY_FILES[k as keyof typeof KEY_FILES])
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content, { mode: secret.has(k) ? 0o600 : 0o644 })
  }
}

function pathsOf(dir: string): SandboxKeys['paths'] {
  return Object.fromEntries(Object.entries(KEY_FILES).map(([k, f]) => [k, join(dir, f)])) as SandboxKeys['paths']
}

function load(dir: string): SandboxKeys {
  const paths = pathsOf(dir)
  const missing = Object.values(paths).filter((p) => !existsSync(p))
  if (missing.length > 0) {
    throw new Error(`incomplete WeChat sandbox key directory ${dir}: missing ${missing.join(', ')} (delete the directory to regenerate it)`)
  }
  const read = (p: string) => readFileSync(p, 'utf8')
  const platformPem = read(paths.platformCert)
  const platformPrivate = createPrivateKey(read(paths.platformCertPrivateKey))
  const cert = new X509Certificate(platformPem)
  return {
    dir,
    paths,
    apiV3Key: read(paths.apiV3Key).trim(),
    merchant: { serialNo: read(paths.merchantSerial).trim(), publicKey: toPublicKey(read(paths.merchantCert)) },
    platformCert: {
      serialNo: read(paths.platformSerial).trim(),
      pem: platformPem,
      privateKey: platformPrivate,
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
    },
    publicKey: { id: read(paths.publicKeyId).trim(), privateKey: createPrivateKey(read(paths.publicKeyPrivateKey)) },
  }
}

/**
 * Loads the key set in `dir`, generating it first if the directory is absent or empty.
 * `apiV3Key`, when non-empty, is used for a new set and must match an existing one.
 */
export async function ensureKeys(dir: string, opts: { mchId: string; apiV3Key?: string }): Promise<SandboxKeys> {
  const wanted = opts.apiV3Key ?? ''
  if (wanted !== '' && Buffer.byteLength(wanted) !== 32) throw new Error('ApiV3Key must be 32 characters')
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    mkdirSync(dirname(dir), { recursive: true })
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
    try {
      await generateInto(tmp, opts.mchId, wanted || randomApiV3Key())
      renameSync(tmp, dir)
    } catch (err) {
      // Another process renamed its complete set into place first; use that one.
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }
  const keys = load(dir)
  if (wanted !== '' && keys.apiV3Key !== wanted) {
    throw new Error(`ApiV3Key in the config differs from ${keys.paths.apiV3Key}; unset it or delete ${dir} to regenerate`)
  }
  return keys
}
