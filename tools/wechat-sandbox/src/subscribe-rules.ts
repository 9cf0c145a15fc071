/**
 * Value limits of subscribe-message template fields, by the key's prefix (`thing1` → thing),
 * as WeChat documents them (doc/wechat.md, Subscribe messages). Where WeChat's behaviour is not
 * documented the check is lenient: ISO dates (`2024-05-01`, as looklook sends them) pass for
 * time/date, an amount may omit the currency symbol (looklook sends `%.2f`), and unknown prefixes
 * or `enum` only need a non-empty value.
 */

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/
const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2})?`
const DATE = String.raw`(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})`
const DATE_TIME = new RegExp(`^${DATE}(?:\\s*${CLOCK})?$`)
const TIME_ONLY = new RegExp(`^${CLOCK}$`)

const length = (v: string) => [...v].length

/** Ranges (`a~b`) are allowed in time and date fields; each side must match on its own. */
function eachSide(value: string, ok: (part: string) => boolean): boolean {
  return value.split('~').every((part) => ok(part.trim()))
}

const rules: Record<string, (v: string) => boolean> = {
  thing: (v) => length(v) <= 20,
  number: (v) => /^[+-]?\d+(?:\.\d+)?$/.test(v) && v.replace(/\D/g, '').length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => length(v) <= 5,
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  time: (v) => eachSide(v, (p) => TIME_ONLY.test(p) || DATE_TIME.test(p)),
  date: (v) => eachSide(v, (p) => DATE_TIME.test(p)),
  amount: (v) => /^[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => /^[0-9+\-() ]{1,17}$/.test(v),
  car_number: (v) => length(v) <= 8,
  name: (v) => (CJK.test(v) ? length(v) <= 10 : length(v) <= 20),
  phrase: (v) => length(v) <= 5,
}

/**
 * Checks one `data` entry and returns WeChat's 47003 message for it, or undefined when it passes.
 * `item` is whatever the client sent for the key; only `value` is read (extra keys such as an
 * empty `color` are accepted, as silenceper always sends one).
 */
export function checkDataItem(key: string, item: unknown): string | undefined {
  const value = typeof item === 'object' && item !== null ? (item as { value?: unknown }).value : undefined
  if (typeof value !== 'string' || value === '') return `argument invalid! data.${key}.value is empty`
  const prefix = key.replace(/\d+$/, '')
  const rule = rules[prefix]
  if (rule && !rule(value)) return `argument invalid! data.${key}.value invalid`
  return undefined
}
