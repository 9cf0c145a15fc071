/**
 * Dates and money as order-rpc reckons them: stays are calendar days in China time (Asia/Shanghai,
 * UTC+8 all year), and a total is computed in fen from the yuan prices travel-api shows:
 * homestay price × nights, plus meal price × guests × nights when meals are booked.
 */

const CHINA_OFFSET_S = 8 * 3600
const DAY_S = 86_400

/** `YYYY-MM-DD` → the unix second of that day's midnight in China. */
export function chinaMidnight(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / 1000 - CHINA_OFFSET_S
}

/** The China calendar date of a unix second, `YYYY-MM-DD`. */
export function chinaDate(unixSeconds: number): string {
  return new Date((unixSeconds + CHINA_OFFSET_S) * 1000).toISOString().slice(0, 10)
}

/** Today's date in China, `days` ahead. */
export function chinaToday(days = 0): string {
  return chinaDate(Math.floor(Date.now() / 1000) + days * DAY_S)
}

/** Nights between two `YYYY-MM-DD` dates (0 or less when the end is not after the start). */
export function nightsBetween(start: string, end: string): number {
  return Math.round((chinaMidnight(end) - chinaMidnight(start)) / DAY_S)
}

export const toFen = (yuan: number): number => Math.round(yuan * 100)

/** `¥1,234.50` */
export function yuan(fenOrYuan: number, unit: 'fen' | 'yuan' = 'yuan'): string {
  const value = unit === 'fen' ? fenOrYuan / 100 : fenOrYuan
  return `¥${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

export interface Quote {
  nights: number
  homestayTotal: number
  foodTotal: number
  total: number
}

/** The order total in fen, the way order-rpc prices an order. */
export function quote(prices: { homestayPrice: number; foodPrice: number }, nights: number, people: number, meals: boolean): Quote {
  const homestayTotal = toFen(prices.homestayPrice) * nights
  const foodTotal = meals ? toFen(prices.foodPrice) * people * nights : 0
  return { nights, homestayTotal, foodTotal, total: homestayTotal + foodTotal }
}

/** A readable date, e.g. `Sat 5 Dec 2026`, in China time. */
export function longDate(unixSeconds: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(unixSeconds * 1000)
}

/** Date and time in China time, e.g. `5 Dec 2026, 14:03`. */
export function dateTime(unixSeconds: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }).format(unixSeconds * 1000)
}

export const TRADE_STATES: readonly { state: -1 | 0 | 1 | 2 | 3 | 4; label: string }[] = [
  { state: 0, label: 'Waiting for payment' },
  { state: 1, label: 'Paid' },
  { state: 2, label: 'Stayed' },
  { state: 3, label: 'Refunded' },
  { state: 4, label: 'Expired' },
  { state: -1, label: 'Cancelled' },
]

export function tradeStateLabel(state: number): string {
  return TRADE_STATES.find((s) => s.state === state)?.label ?? `state ${state}`
}
