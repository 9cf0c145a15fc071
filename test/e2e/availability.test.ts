/**
 * No double booking, through the gateway with the real dtm, MariaDB and both rpcs: createHomestayOrder is a
 * saga (order-rpc stores the order, travel-rpc holds the nights) and a night is held by one order.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { copyHomestay, post, registerUser, type TestUser, waitFor } from '@looklook/testkit'
import { createConnection } from 'mysql2/promise'
import { bookableHomestay, CLOSE_DELAY_S, chinaMidnight, ORDER } from './booking-kit.ts'

const DAY = 86_400
/** HOMESTAY_NIGHTS_TAKEN (doc/errors.md). */
const NIGHTS_TAKEN = 300001

async function sql<R>(query: string, args: unknown[]): Promise<R[]> {
  const conn = await createConnection({ host: '127.0.0.1', port: 3306, user: 'looklook', password: 'looklook' })
  try {
    const [rows] = await conn.query(query, args)
    return rows as R[]
  } finally {
    await conn.end()
  }
}

/** The orders of a homestay and their trade states, oldest first. */
function ordersOf(homestayId: number): Promise<{ sn: string; trade_state: number }[]> {
  return sql('SELECT sn, trade_state FROM looklook_order.homestay_order WHERE homestay_id = ? ORDER BY id', [homestayId])
}

/** The nights the calendar holds for a homestay, as `YYYY-MM-DD` and the holding order. */
function heldOf(homestayId: number): Promise<{ night: string; order_sn: string }[]> {
  return sql(
    "SELECT DATE_FORMAT(night, '%Y-%m-%d') AS night, order_sn FROM looklook_travel.homestay_calendar WHERE homestay_id = ? ORDER BY night",
    [homestayId],
  )
}

/** `n` fresh users, registered one after the other (registration is rate-limited for a burst). */
async function guests(n: number): Promise<TestUser[]> {
  const users: TestUser[] = []
  for (let i = 0; i < n; i++) users.push(await registerUser())
  return users
}

function book(user: TestUser, homestayId: number, startDay: number, nights: number) {
  const start = chinaMidnight(startDay)
  return post<{ orderSn: string }>(
    `${ORDER}/createHomestayOrder`,
    { homestayId, isFood: false, liveStartTime: start, liveEndTime: start + nights * DAY, livePeopleNum: 1, remark: 'availability e2e' },
    { token: user.accessToken },
  )
}

async function availability(id: number, startDay: number, nights: number): Promise<{ date: string; free: boolean }[]> {
  const start = chinaMidnight(startDay)
  const res = await post<{ nights: { date: string; free: boolean }[] }>('/travel/v1/homestay/homestayAvailability', {
    id,
    startTime: start,
    endTime: start + nights * DAY,
  })
  assert.equal(res.status, 200, res.text)
  return res.body.data?.nights ?? []
}

/** `YYYY-MM-DD` of the China day `daysAhead` from today. */
function dateAhead(daysAhead: number): string {
  return new Date((chinaMidnight(daysAhead) + 8 * 3600) * 1000).toISOString().slice(0, 10)
}

test('20 guests booking overlapping nights at once: exactly one holds them, the others are told the nights are taken', async () => {
  const homestay = await bookableHomestay()
  const twenty = await guests(20)
  // Every stay holds the night 12 days ahead; they start 10 to 12 days ahead and last 1 to 4 nights.
  const answers = await Promise.all(twenty.map((g, i) => book(g, homestay.id, 10 + (i % 3), 3 - (i % 3) + (i % 2))))

  const won = answers.filter((a) => a.status === 200)
  assert.equal(won.length, 1, answers.map((a) => `${a.status} ${a.text}`).join('\n'))
  for (const a of answers.filter((x) => x.status !== 200)) {
    assert.equal(a.status, 400, a.text)
    assert.equal(a.body.code, NIGHTS_TAKEN, a.text)
    assert.equal(a.body.msg, 'those nights are taken, please choose other dates')
  }
  const winner = won[0]?.body.data?.orderSn ?? ''

  // The winner's order is the only wait-pay one and holds every night; each refused booking left a cancelled order.
  const orders = await ordersOf(homestay.id)
  assert.deepEqual(
    orders.filter((o) => o.trade_state === 0).map((o) => o.sn),
    [winner],
  )
  assert.ok(
    orders.every((o) => o.sn === winner || o.trade_state === -1),
    JSON.stringify(orders),
  )
  const held = await heldOf(homestay.id)
  assert.ok(held.length >= 1 && held.every((h) => h.order_sn === winner), JSON.stringify(held))
  assert.ok(held.some((h) => h.night === dateAhead(12)))

  const nights = await availability(homestay.id, 9, 6)
  assert.deepEqual(
    nights.map((n) => n.date),
    [9, 10, 11, 12, 13, 14].map(dateAhead),
  )
  for (const n of nights) assert.equal(n.free, !held.some((h) => h.night === n.date), n.date)
})

test('stays that do not overlap all succeed, back-to-back ones too: the check-out day is the next check-in', async () => {
  const homestay = await bookableHomestay()
  const [alice, bob, carol, dave] = (await guests(4)) as [TestUser, TestUser, TestUser, TestUser]
  const answers = await Promise.all([
    book(alice, homestay.id, 20, 2), // nights 20, 21
    book(bob, homestay.id, 22, 3), // checks in the day alice checks out: nights 22–24
    book(carol, homestay.id, 25, 1), // and carol the day bob leaves
    book(dave, homestay.id, 30, 2),
  ])
  for (const a of answers) assert.equal(a.status, 200, a.text)
  const held = await heldOf(homestay.id)
  assert.deepEqual(
    held.map((h) => h.night),
    [20, 21, 22, 23, 24, 25, 30, 31].map(dateAhead),
  )
  assert.deepEqual(
    (await availability(homestay.id, 19, 13)).filter((n) => n.free).map((n) => n.date),
    [19, 26, 27, 28, 29].map(dateAhead),
  )
})

test('an unpaid order closed by its delayed job frees its nights: the same nights can be booked again', async () => {
  const homestay = await bookableHomestay()
  const [first, second] = (await guests(2)) as [TestUser, TestUser]
  const booked = await book(first, homestay.id, 40, 2)
  assert.equal(booked.status, 200, booked.text)
  const taken = await book(second, homestay.id, 41, 1)
  assert.equal(taken.body.code, NIGHTS_TAKEN, taken.text)

  // The close job (CLOSE_ORDER_DELAY_SECONDS) cancels the unpaid order, and order-rpc releases its nights.
  const freed = await waitFor(async () => (await heldOf(homestay.id)).length === 0, {
    timeoutMs: (CLOSE_DELAY_S + 20) * 1000,
    intervalMs: 500,
  })
  assert.ok(freed, 'the closed order released its nights')
  assert.deepEqual(
    (await ordersOf(homestay.id)).map((o) => o.trade_state),
    [-1, -1],
  )
  assert.ok((await availability(homestay.id, 40, 2)).every((n) => n.free))

  const again = await book(second, homestay.id, 41, 1)
  assert.equal(again.status, 200, again.text)
  assert.deepEqual(
    (await heldOf(homestay.id)).map((h) => [h.night, h.order_sn]),
    [[dateAhead(41), again.body.data?.orderSn]],
  )
})

test('homestayAvailability: seeded bookings show as taken; bad ranges are refused', async () => {
  const seeded = await sql<{ homestay_id: number; night: string }>(
    "SELECT homestay_id, DATE_FORMAT(night, '%Y-%m-%d') AS night FROM looklook_travel.homestay_calendar WHERE order_sn = 'SEED' AND night > CURDATE() + INTERVAL 2 DAY ORDER BY night LIMIT 1",
    [],
  )
  const seed = seeded[0]
  if (seed) {
    // The China midnight the seeded night starts at, and the three nights around it.
    const start = Date.parse(`${seed.night}T00:00:00+08:00`) / 1000 - DAY
    const res = await post<{ nights: { date: string; free: boolean }[] }>('/travel/v1/homestay/homestayAvailability', {
      id: seed.homestay_id,
      startTime: start,
      endTime: start + 3 * DAY,
    })
    assert.equal(res.status, 200, res.text)
    const nights = res.body.data?.nights ?? []
    assert.equal(nights.length, 3)
    assert.equal(nights[1]?.date, seed.night)
    assert.equal(nights[1]?.free, false)
  }
  const start = chinaMidnight(5)
  const empty = await post('/travel/v1/homestay/homestayAvailability', { id: await copyHomestay(1), startTime: start, endTime: start })
  assert.equal(empty.status, 400, empty.text)
  assert.equal(empty.body.code, 100002)
  const tooLong = await post('/travel/v1/homestay/homestayAvailability', { id: 1, startTime: start, endTime: start + 400 * DAY })
  assert.equal(tooLong.status, 400, tooLong.text)
})
