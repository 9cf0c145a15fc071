import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TradeState } from '@looklook/order-model'
import { CodeError } from '@looklook/xerr'
import { compactTimestamp, dateToDay, dayOf, dayStart, dayToDate } from '../src/logic/dates.ts'
import { priceOrder } from '../src/logic/pricing.ts'
import { newOrderSn, newTradeCode } from '../src/logic/sn.ts'
import { canTransition, isTradeState } from '../src/logic/trade-state.ts'

const SHANGHAI = 'Asia/Shanghai'

test('a stay date is the calendar day in the business zone, not in UTC', () => {
  // 2024-06-01 00:30 in Shanghai is still 2024-05-31 in UTC.
  const t = Date.UTC(2024, 4, 31, 16, 30) / 1000
  assert.equal(dayOf(t, SHANGHAI), Date.UTC(2024, 5, 1) / 86_400_000)
  assert.equal(dayOf(t, 'UTC'), Date.UTC(2024, 4, 31) / 86_400_000)
})

test('dayStart is local midnight, so local-midnight input round-trips exactly', () => {
  const midnight = Date.UTC(2024, 5, 1) / 1000 - 8 * 3600
  assert.equal(dayStart(dayOf(midnight, SHANGHAI), SHANGHAI), midnight)
  assert.equal(dayStart(dayOf(midnight + 12 * 3600, SHANGHAI), SHANGHAI), midnight)
  // Across a DST change the day start follows the zone's offset of that day.
  const berlinSummer = dayOf(Date.UTC(2024, 6, 1, 12) / 1000, 'Europe/Berlin')
  assert.equal(dayStart(berlinSummer, 'Europe/Berlin'), Date.UTC(2024, 5, 30, 22) / 1000)
  const berlinWinter = dayOf(Date.UTC(2024, 0, 15, 12) / 1000, 'Europe/Berlin')
  assert.equal(dayStart(berlinWinter, 'Europe/Berlin'), Date.UTC(2024, 0, 14, 23) / 1000)
})

test('a DATE column value maps back to the same day', () => {
  const day = dayOf(Date.UTC(2031, 11, 31, 3) / 1000, SHANGHAI)
  assert.equal(dayToDate(day).toISOString(), '2031-12-31T00:00:00.000Z')
  assert.equal(dateToDay(dayToDate(day)), day)
})

test('order numbers: HSO + local yyyyMMddHHmmss + 8 digits, 25 characters', () => {
  const now = Date.UTC(2024, 0, 2, 20, 4, 5)
  assert.equal(compactTimestamp(now, SHANGHAI), '20240103040405')
  const sn = newOrderSn(SHANGHAI, now)
  assert.match(sn, /^HSO20240103040405[0-9]{8}$/)
  assert.equal(sn.length, 25)
  const codes = new Set(Array.from({ length: 200 }, () => newTradeCode()))
  for (const c of codes) assert.match(c, /^[0-9a-zA-Z]{8}$/)
  assert.ok(codes.size > 195, 'trade codes are random')
})

test('pricing table (fen)', () => {
  const prices = { homestayPrice: 35_800, foodPrice: 4_550 }
  const cases: [nights: number, people: number, isFood: boolean, homestay: number, food: number][] = [
    [1, 1, false, 35_800, 0],
    [1, 2, true, 35_800, 9_100],
    [3, 2, false, 107_400, 0],
    [3, 2, true, 107_400, 27_300],
    [7, 4, true, 250_600, 127_400],
  ]
  for (const [nights, people, isFood, homestay, food] of cases) {
    assert.deepEqual(priceOrder(prices, nights, people, isFood), {
      homestayTotalPrice: homestay,
      foodTotalPrice: food,
      orderTotalPrice: homestay + food,
    })
  }
  assert.throws(() => priceOrder({ homestayPrice: 2 ** 52, foodPrice: 0 }, 3, 1, false), CodeError)
})

test('trade state machine: exactly the five allowed transitions', () => {
  const states = Object.values(TradeState)
  const allowed = new Set(['0>-1', '0>1', '1>2', '1>3', '1>4'])
  for (const from of states) {
    for (const to of states) {
      assert.equal(canTransition(from, to), allowed.has(`${from}>${to}`), `${from} → ${to}`)
    }
  }
  assert.equal(isTradeState(5), false)
  assert.equal(isTradeState(-99), false)
})
