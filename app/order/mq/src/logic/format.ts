/** Subscribe-message value helpers, within the limits of each data key's type (doc/wechat.md, Subscribe messages). */

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** `YYYY-MM-DD` of a unix second in `zone` (the Go original's `Y-m-d` for time/date fields). */
export function formatDate(unixSeconds: number, zone: string): string {
  let f = dateFormats.get(zone)
  if (!f) {
    // en-CA writes dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dateFormats.set(zone, f)
  }
  return f.format(unixSeconds * 1000)
}

/** Fen as yuan with two decimals (`12345` → `123.45`), exact for any integer amount. */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** A `thing` field holds at most 20 characters: longer text is cut to 19 and marked with `…`. */
export function thing(text: string): string {
  const chars = [...text]
  return chars.length <= 20 ? text : `${chars.slice(0, 19).join('')}…`
}
