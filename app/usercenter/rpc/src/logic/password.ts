import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

// OWASP's scrypt baseline (N=2^15, r=8, p=1) costs ~32 MiB per hash; maxmem must allow 128·N·r bytes.
const N = 32768
const R = 8
const P = 1
const KEYLEN = 64
const MAXMEM = 64 * 1024 * 1024

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64), salted per user; never plain or MD5. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scryptAsync(password, salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM })
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$')
}

/** Checks a password against a stored hash in constant time; an empty or foreign hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, n, r, p, saltB64, hashB64] = parts
  const expected = Buffer.from(hashB64 ?? '', 'base64')
  if (expected.length === 0) return false
  const opts = { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM }
  const actual = await scryptAsync(password, Buffer.from(saltB64 ?? '', 'base64'), expected.length, opts)
  return timingSafeEqual(actual, expected)
}

let decoy: Promise<string> | undefined

/**
 * A hash of a random password, checked instead when the mobile has no password (unknown, or a
 * WeChat-only account), so such a login costs the same time as a wrong password and tells nothing.
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'))
  return decoy
}
