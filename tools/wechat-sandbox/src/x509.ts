/**
 * A minimal self-signed X.509 v3 certificate writer (RSA, sha256WithRSAEncryption).
 * node:crypto reads certificates but cannot issue them; the handful of DER structures a
 * certificate needs is smaller than a dependency (and needs no `openssl` binary on the machine).
 */
import { type KeyObject, sign } from 'node:crypto'

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body])
}

const seq = (...items: Buffer[]) => tlv(0x30, ...items)
const set = (...items: Buffer[]) => tlv(0x31, ...items)

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number)
  const bytes = [40 * a + b]
  for (const arc of rest) {
    const enc = [arc & 0x7f]
    for (let v = arc >> 7; v > 0; v >>= 7) enc.unshift((v & 0x7f) | 0x80)
    bytes.push(...enc)
  }
  return tlv(0x06, Buffer.from(bytes))
}

function utcTime(d: Date): Buffer {
  // UTCTime (YYMMDDHHMMSSZ) is mandatory for dates before 2050 (RFC 5280 §4.1.2.5).
  const iso = d.toISOString()
  return tlv(
    0x17,
    Buffer.from(`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`),
  )
}

const NAME_OIDS = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const

/** Distinguished name parts, written in this order. */
export interface CertName {
  C?: string
  O?: string
  OU?: string
  CN: string
}

function name(n: CertName): Buffer {
  const rdns: Buffer[] = []
  for (const key of ['C', 'O', 'OU', 'CN'] as const) {
    const value = n[key]
    if (value === undefined) continue
    // countryName must be a PrintableString; the others are UTF8String.
    rdns.push(set(seq(oid(NAME_OIDS[key]), tlv(key === 'C' ? 0x13 : 0x0c, Buffer.from(value, 'utf8')))))
  }
  return seq(...rdns)
}

const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05))

/**
 * Issues a self-signed certificate for `publicKey`, signed by `privateKey`.
 * `serialHex` must be a positive integer in hex (first digit 1–7 keeps it positive without padding).
 */
export function selfSignedCertificate(opts: {
  serialHex: string
  subject: CertName
  notBefore: Date
  notAfter: Date
  publicKey: KeyObject
  privateKey: KeyObject
}): string {
  const keyUsage = seq(
    oid('2.5.29.15'),
    tlv(0x01, Buffer.from([0xff])),
    // digitalSignature, nonRepudiation, keyEncipherment: the usages WeChat's RSA certificates carry.
    tlv(0x04, tlv(0x03, Buffer.from([0x05, 0xe0]))),
  )
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, Buffer.from(opts.serialHex, 'hex')),
    SHA256_WITH_RSA,
    name(opts.subject),
    seq(utcTime(opts.notBefore), utcTime(opts.notAfter)),
    name(opts.subject),
    opts.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(keyUsage)),
  )
  const signature = sign('sha256', tbs, opts.privateKey)
  const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.from([0]), signature))
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n')
  return `-----BEGIN CERTIFICATE-----\n${b64.endsWith('\n') ? b64 : `${b64}\n`}-----END CERTIFICATE-----\n`
}
