import { randomInt } from 'node:crypto'
import { compactTimestamp } from './dates.ts'

/** Order numbers start with this (go-zero-looklook's SN_PREFIX_HOMESTAY_ORDER). */
export const HOMESTAY_ORDER_SN_PREFIX = 'HSO'

const TRADE_CODE_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** `HSO` + yyyyMMddHHmmss (business zone) + 8 random digits: 25 characters, the `sn char(25)` column. */
export function newOrderSn(zone: string, now = Date.now()): string {
  return `${HOMESTAY_ORDER_SN_PREFIX}${compactTimestamp(now, zone)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`
}

/** The 8-character check-in code the guest shows the host (letters and digits, as the Go original's Krand). */
export function newTradeCode(): string {
  let code = ''
  for (let i = 0; i < 8; i++) code += TRADE_CODE_ALPHABET[randomInt(0, TRADE_CODE_ALPHABET.length)]
  return code
}
