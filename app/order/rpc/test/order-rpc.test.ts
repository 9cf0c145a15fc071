/**
 * order-rpc against real MariaDB and Redis and the running travel-rpc (homestays are inserted per
 * test); mqueue-rpc is an in-process stand-in so the tests can see and break close-job scheduling.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALL_TRADE_STATES, TradeState } from '@looklook/order-model'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { CreateHomestayOrderReq } from '../gen/order.ts'
import { dayOf, dayStart } from '../src/logic/dates.ts'
import { insertHomestay, insertOrder, newUserId, type OrderRpcHarness, startOrderRpc, stay } from './helpers.ts'

let h: OrderRpcHarness

before(async () => {
  h = await startOrderRpc()
})

after(async () => {
  await h.stop()
})

async function rejection(p: Promise<unknown>): Promise<CodeError> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof CodeError, `expected a CodeError, got ${String(err)}`)
    return err
  }
  assert.fail('expected the call to fail')
}

function createReq(homestayId: number, over: Partial<CreateHomestayOrderReq> = {}): CreateHomestayOrderReq {
  return { homestayId, isFood: false, userId: newUserId(), livePeopleNum: 1, remark: '', ...stay(1), ...over }
}

describe('createHomestayOrder', () => {
  test('prices the stay, snapshots the homestay and schedules the close job', async () => {
    const home = await insertHomestay(h.travelDb, { peopleNum: 4, homestayPrice: 35_800, foodPrice: 4_550 })
    const zone = h.svc.config.TimeZone
    const cases = [
      { nights: 1, people: 1, isFood: false, homestay: 35_800, food: 0 },
      { nights: 1, people: 2, isFood: true, homestay: 35_800, food: 9_100 },
      { nights: 3, people: 3, isFood: false, homestay: 107_400, food: 0 },
      { nights: 3, people: 4, isFood: true, homestay: 107_400, food: 54_600 },
    ]
    for (const c of cases) {
      const req = createReq(home.id, { ...stay(c.nights), livePeopleNum: c.people, isFood: c.isFood, remark: 'late arrival 晚到' })
      const { sn } = await h.client.createHomestayOrder(req)
      assert.match(sn, /^HSO[0-9]{22}$/)
      assert.ok(h.mqueue.closeRequests.includes(sn), 'close job scheduled for the new order')

      const { homestayOrder: o } = await h.client.homestayOrderDetail({ sn })
      assert.ok(o)
      assert.equal(o.homestayTotalPrice, c.homestay, `${c.nights} nights homestay total`)
      assert.equal(o.foodTotalPrice, c.food, `${c.nights} nights × ${c.people} food total`)
      assert.equal(o.orderTotalPrice, c.homestay + c.food)
      assert.equal(o.needFood, c.isFood ? 1 : 0)
      assert.equal(o.tradeState, TradeState.waitPay)
      assert.match(o.tradeCode, /^[0-9a-zA-Z]{8}$/)
      assert.equal(o.userId, req.userId)
      assert.equal(o.livePeopleNum, c.people)
      assert.equal(o.remark, 'late arrival 晚到')
      // snapshot of the homestay
      assert.equal(o.title, home.title)
      assert.equal(o.cover, 'https://img.example/cover.jpg')
      assert.equal(o.homestayPrice, 35_800)
      assert.equal(o.foodPrice, 4_550)
      assert.equal(o.marketHomestayPrice, 45_800)
      assert.equal(o.homestayBusinessId, 7)
      assert.equal(o.homestayUserId, 8)
      // stay dates come back as the start of their day in the business zone
      assert.equal(o.liveStartDate, dayStart(dayOf(req.liveStartTime, zone), zone))
      assert.equal(o.liveEndDate - o.liveStartDate, c.nights * 86_400)
      assert.ok(Math.abs(o.createTime - Date.now() / 1000) < 60)
    }
  })

  test('an afternoon check-in and a morning check-out the next day is one paid night', async () => {
    const home = await insertHomestay(h.travelDb, { homestayPrice: 20_000 })
    const zone = h.svc.config.TimeZone
    const tomorrow = dayOf(Math.floor(Date.now() / 1000), zone) + 1
    const liveStartTime = dayStart(tomorrow, zone) + 15 * 3600
    const liveEndTime = dayStart(tomorrow + 1, zone) + 11 * 3600
    const { sn } = await h.client.createHomestayOrder(createReq(home.id, { liveStartTime, liveEndTime }))
    const { homestayOrder } = await h.client.homestayOrderDetail({ sn })
    assert.equal(homestayOrder?.orderTotalPrice, 20_000)
  })

  test('invalid stays, guests and fields are param errors (100002)', async () => {
    const home = await insertHomestay(h.travelDb, { peopleNum: 2 })
    const now = Math.floor(Date.now() / 1000)
    const zone = h.svc.config.TimeZone
    const today = dayOf(now, zone)
    const bad: [string, Partial<CreateHomestayOrderReq>][] = [
      ['end equals start', { liveStartTime: now + 60, liveEndTime: now + 60 }],
      ['end before start', { liveStartTime: now + 86_400, liveEndTime: now + 60 }],
      ['same day, no night', { liveStartTime: dayStart(today + 1, zone) + 3600, liveEndTime: dayStart(today + 1, zone) + 20 * 3600 }],
      ['start in the past', { liveStartTime: now - 2 * 86_400, liveEndTime: now + 86_400 }],
      ['too long', { liveStartTime: now + 60, liveEndTime: now + 60 + 366 * 86_400 }],
      ['too far ahead', { liveStartTime: now + 400 * 86_400, liveEndTime: now + 401 * 86_400 }],
      ['zero start', { liveStartTime: 0 }],
      ['end beyond any date', { liveEndTime: 2 ** 52 }],
      ['no guests', { livePeopleNum: 0 }],
      ['more guests than the homestay holds', { livePeopleNum: 3 }],
      ['remark too long', { remark: 'x'.repeat(65) }],
      ['no user', { userId: 0 }],
      ['no homestay', { homestayId: 0 }],
    ]
    for (const [what, over] of bad) {
      const err = await rejection(h.client.createHomestayOrder(createReq(home.id, over)))
      assert.equal(err.code, ErrCode.REQUEST_PARAM_ERROR, `${what}: ${err.message}`)
    }
    // 64 characters (not bytes) is still fine
    await h.client.createHomestayOrder(createReq(home.id, { remark: '宿'.repeat(64) }))
  })

  test('an unknown or off-sale homestay cannot be booked', async () => {
    const missing = await rejection(h.client.createHomestayOrder(createReq(2 ** 40)))
    assert.equal(missing.code, ErrCode.SERVER_COMMON_ERROR)
    assert.equal(missing.message, 'homestay does not exist')

    const off = await insertHomestay(h.travelDb, { rowState: 0 })
    const offSale = await rejection(h.client.createHomestayOrder(createReq(off.id)))
    assert.equal(offSale.code, ErrCode.SERVER_COMMON_ERROR)
    assert.equal(offSale.message, 'homestay is not on sale')
  })

  test('a user who no longer exists cannot book', async () => {
    const home = await insertHomestay(h.travelDb)
    const req = createReq(home.id)
    h.usercenter.removed.add(req.userId)
    const closeJobs = h.mqueue.closeRequests.length
    const err = await rejection(h.client.createHomestayOrder(req))
    assert.equal(err.code, ErrCode.SERVER_COMMON_ERROR)
    assert.equal(err.message, 'user does not exist')
    assert.equal(h.mqueue.closeRequests.length, closeJobs, 'no order, so no close job')
    const { list } = await h.client.userHomestayOrderList({ userId: req.userId, traderState: ALL_TRADE_STATES, lastId: 0, pageSize: 10 })
    assert.equal(list.length, 0)
  })

  test('when the close job cannot be scheduled the order is kept and the failure logged', async () => {
    const home = await insertHomestay(h.travelDb)
    h.mqueue.state.failing = true
    try {
      const { sn } = await h.client.createHomestayOrder(createReq(home.id))
      const { homestayOrder } = await h.client.homestayOrderDetail({ sn })
      assert.equal(homestayOrder?.tradeState, TradeState.waitPay)
      assert.ok(!h.mqueue.closeRequests.includes(sn))
      const logged = h.lines().find((l) => l.sn === sn && l.level === 'error')
      assert.ok(logged, 'an error line names the order')
      assert.match(String(logged.content), /close job/)
    } finally {
      h.mqueue.state.failing = false
    }
  })
})

describe('homestayOrderDetail', () => {
  test('an unknown sn gives a null order; an empty sn is a param error', async () => {
    const { homestayOrder } = await h.client.homestayOrderDetail({ sn: 'HSO20000101000000' + '00000000' })
    assert.equal(homestayOrder, null)
    assert.equal((await rejection(h.client.homestayOrderDetail({ sn: '' }))).code, ErrCode.REQUEST_PARAM_ERROR)
  })
})

describe('updateHomestayOrderTradeState', () => {
  /** Brings a fresh order to `state` through allowed transitions only. */
  async function orderIn(state: number): Promise<string> {
    const initial = state === TradeState.waitPay || state === TradeState.cancelled ? TradeState.waitPay : TradeState.waitUse
    const o = await insertOrder(h.svc, newUserId(), initial)
    if (state !== initial) await h.client.updateHomestayOrderTradeState({ sn: o.sn, tradeState: state })
    return o.sn
  }

  test('every allowed transition succeeds and returns the order', async () => {
    const allowed: [number, number][] = [
      [0, -1],
      [0, 1],
      [1, 2],
      [1, 3],
      [1, 4],
    ]
    for (const [from, to] of allowed) {
      const sn = await orderIn(from)
      const before = await h.svc.homestayOrderModel.findOneBySnFromDb(sn)
      const resp = await h.client.updateHomestayOrderTradeState({ sn, tradeState: to })
      assert.equal(resp.sn, sn)
      assert.equal(resp.id, before?.id)
      assert.equal(resp.userId, before?.userId)
      assert.equal(resp.tradeCode, 'AbCd1234')
      assert.equal(resp.orderTotalPrice, 10_000)
      assert.equal(resp.title, 'fixture')
      assert.equal(resp.liveEndDate - resp.liveStartDate, 86_400)
      const { homestayOrder } = await h.client.homestayOrderDetail({ sn })
      assert.equal(homestayOrder?.tradeState, to, `${from} → ${to}`)
    }
  })

  test('forbidden transitions are errors with a clear message and change nothing', async () => {
    const forbidden: [number, number][] = [
      [0, 2],
      [0, 3],
      [0, 4],
      [1, 0],
      [1, -1],
      [-1, 0],
      [-1, 1],
      [2, 1],
      [2, 3],
      [3, 1],
      [4, 2],
    ]
    for (const [from, to] of forbidden) {
      const sn = await orderIn(from)
      const err = await rejection(h.client.updateHomestayOrderTradeState({ sn, tradeState: to }))
      assert.equal(err.code, ErrCode.SERVER_COMMON_ERROR, `${from} → ${to}`)
      assert.match(err.message, /^an order that is .+ cannot become .+$/)
      const { homestayOrder } = await h.client.homestayOrderDetail({ sn })
      assert.equal(homestayOrder?.tradeState, from)
    }
    const paid = await orderIn(1)
    assert.equal(
      (await rejection(h.client.updateHomestayOrderTradeState({ sn: paid, tradeState: -1 }))).message,
      'an order that is paid (wait-use) cannot become cancelled',
    )
  })

  test('setting the current state is a no-op: same order back, no version bump', async () => {
    for (const state of [0, 1, 2, -1]) {
      const sn = await orderIn(state)
      const before = await h.svc.homestayOrderModel.findOneBySnFromDb(sn)
      const resp = await h.client.updateHomestayOrderTradeState({ sn, tradeState: state })
      assert.equal(resp.sn, sn)
      assert.equal(resp.id, before?.id)
      const afterRow = await h.svc.homestayOrderModel.findOneBySnFromDb(sn)
      assert.equal(afterRow?.version, before?.version, `state ${state}: version unchanged`)
    }
  })

  test('unknown states and orders are rejected', async () => {
    const sn = await orderIn(0)
    assert.equal((await rejection(h.client.updateHomestayOrderTradeState({ sn, tradeState: 5 }))).code, ErrCode.REQUEST_PARAM_ERROR)
    assert.equal(
      (await rejection(h.client.updateHomestayOrderTradeState({ sn, tradeState: ALL_TRADE_STATES }))).code,
      ErrCode.REQUEST_PARAM_ERROR,
    )
    const missing = await rejection(h.client.updateHomestayOrderTradeState({ sn: 'HSO00000000000000000000000', tradeState: 1 }))
    assert.equal(missing.message, 'order does not exist')
  })

  test('a stale version never overwrites a newer row', async () => {
    const o = await insertOrder(h.svc, newUserId())
    const stale = { ...o }
    o.tradeState = TradeState.waitUse
    await h.svc.homestayOrderModel.updateWithVersion(o)
    stale.tradeState = TradeState.cancelled
    const err = await rejection(h.svc.homestayOrderModel.updateWithVersion(stale))
    assert.equal(err.code, ErrCode.DB_UPDATE_AFFECTED_ZERO_ERROR)
    assert.equal((await h.svc.homestayOrderModel.findOneBySnFromDb(o.sn))?.tradeState, TradeState.waitUse)
  })

  test('pay and cancel racing: exactly one wins, the loser gets a transition error', async () => {
    for (let i = 0; i < 8; i++) {
      const sn = await orderIn(0)
      const results = await Promise.allSettled([
        h.client.updateHomestayOrderTradeState({ sn, tradeState: TradeState.waitUse }),
        h.client.updateHomestayOrderTradeState({ sn, tradeState: TradeState.cancelled }),
      ])
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r) => r.status === 'rejected')
      assert.equal(won.length, 1, 'exactly one change')
      const reason = (lost[0] as PromiseRejectedResult).reason as CodeError
      assert.equal(reason.code, ErrCode.SERVER_COMMON_ERROR)
      assert.match(reason.message, /cannot become/)
      const row = await h.svc.homestayOrderModel.findOneBySnFromDb(sn)
      const winner = results[0].status === 'fulfilled' ? TradeState.waitUse : TradeState.cancelled
      assert.equal(row?.tradeState, winner)
      assert.equal(row?.version, 1, 'one write')
    }
  })

  test('the same change delivered concurrently is applied once; the others are no-ops', async () => {
    const sn = await orderIn(0)
    const results = await Promise.all(Array.from({ length: 6 }, () => h.client.updateHomestayOrderTradeState({ sn, tradeState: 1 })))
    for (const r of results) assert.equal(r.sn, sn)
    const row = await h.svc.homestayOrderModel.findOneBySnFromDb(sn)
    assert.equal(row?.tradeState, TradeState.waitUse)
    assert.equal(row?.version, 1)
  })
})

describe('userHomestayOrderList', () => {
  test('keyset pages, newest first, filtered by state, only the owner’s orders', async () => {
    const userId = newUserId()
    const other = newUserId()
    const states = [0, 1, 0, -1, 1, 0, 2]
    const mine: { id: number; tradeState: number }[] = []
    for (const s of states) mine.push(await insertOrder(h.svc, userId, s))
    await insertOrder(h.svc, other, 0)
    const ids = mine.map((o) => o.id).sort((a, b) => b - a)

    const seen: number[] = []
    let lastId = 0
    for (;;) {
      const { list } = await h.client.userHomestayOrderList({ userId, traderState: ALL_TRADE_STATES, lastId, pageSize: 3 })
      if (list.length === 0) break
      assert.ok(list.length <= 3)
      for (const o of list) assert.equal(o.userId, userId)
      seen.push(...list.map((o) => o.id))
      lastId = list.at(-1)?.id ?? 0
    }
    assert.deepEqual(seen, ids, 'every order once, id desc')

    const waitPay = await h.client.userHomestayOrderList({ userId, traderState: 0, lastId: 0, pageSize: 10 })
    assert.deepEqual(
      waitPay.list.map((o) => o.id),
      mine
        .filter((o) => o.tradeState === 0)
        .map((o) => o.id)
        .sort((a, b) => b - a),
    )
    const none = await h.client.userHomestayOrderList({ userId, traderState: 4, lastId: 0, pageSize: 10 })
    assert.deepEqual(none.list, [])
    const theirs = await h.client.userHomestayOrderList({ userId: other, traderState: ALL_TRADE_STATES, lastId: 0, pageSize: 10 })
    assert.equal(theirs.list.length, 1)
    assert.equal(theirs.list[0]?.userId, other)
  })

  test('bounds: pageSize is capped, bad values are param errors', async () => {
    const userId = newUserId()
    for (let i = 0; i < 3; i++) await insertOrder(h.svc, userId)
    const big = await h.client.userHomestayOrderList({ userId, traderState: ALL_TRADE_STATES, lastId: 0, pageSize: 100_000 })
    assert.equal(big.list.length, 3)
    const bad = [
      { userId, traderState: 7, lastId: 0, pageSize: 10 },
      { userId, traderState: ALL_TRADE_STATES, lastId: 0, pageSize: 0 },
      { userId, traderState: ALL_TRADE_STATES, lastId: -1, pageSize: 10 },
      { userId: 0, traderState: ALL_TRADE_STATES, lastId: 0, pageSize: 10 },
    ]
    for (const req of bad) {
      assert.equal((await rejection(h.client.userHomestayOrderList(req))).code, ErrCode.REQUEST_PARAM_ERROR, JSON.stringify(req))
    }
  })
})
