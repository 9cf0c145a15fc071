import { randomInt } from 'node:crypto'

/** Payment numbers start with this (go-zero-looklook's SN_PREFIX_THIRD_PAYMENT). */
export const PAYMENT_SN_PREFIX = 'PMT'

// China Standard Time has no daylight saving, so a fixed offset gives the business's wall clock.
const CHINA_OFFSET_MS = 8 * 3600 * 1000

/** `PMT` + yyyyMMddHHmmss (China time) + 8 random digits: 25 characters, the `sn char(25)` column. */
export function newPaymentSn(now = Date.now()): string {
  const stamp = new Date(now + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace(/\D/g, '')
  return `${PAYMENT_SN_PREFIX}${stamp}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`
}
