/**
 * The booking saga from order-rpc (on port 0, called back by the real dtm) with the travel-rpc ./looklook
 * runs: the nights an order holds, and their release when it is cancelled, refunded or expired.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createRedis } from '@looklook/model'
import { TradeState } from '@looklook/order-model'
import { CodeError } from '@looklook/xerr'
import { insertHomestay, newUserId, type OrderRpcHarness, startOrderRpc, stay } from './helpers.ts'

let h: OrderRpcHarness

before(async () => {
  h = await startOrderRpc()
})

after(async () => {
  await h.stop()
})

async function heldBy(homestayId: number): Promise<string[]> {
  const rows = await h.travelDb.query<{ orderSn: string }>(
    'SELECT order_sn AS orderSn FROM homestay_calendar WHERE homestay_id = ? ORDER BY night',
    [homestayId],
  )
  return rows.map((r) => r.orderSn)
}

async function book(homestayId: number, nights: { liveStartTime: number; liveEndTime: number }): Promise<string> {
  const { sn } = await h.client.createHomestayOrder({
    homestayId,
    isFood: false,
    userId: newUserId(),
    livePeopleNum: 1,
    remark: '',
    ...nights,
  })
  return sn
}

async function moveTo(sn: string, ...states: number[]): Promise<void> {
  for (const tradeState of states) await h.client.updateHomestayOrderTradeState({ sn, tradeState })
}

test('a booked order holds each night of its stay; a second booking of one of them is refused and leaves a cancelled order', async () => {
  const home = await insertHomestay(h.travelDb)
  const nights = stay(3)
  const sn = await book(home.id, nights)
  assert.deepEqual(await heldBy(home.id), [sn, sn, sn])

  const clash = { liveStartTime: nights.liveStartTime + 2 * 86_400, liveEndTime: nights.liveEndTime + 86_400 }
  await assert.rejects(
    book(home.id, clash),
    (err: CodeError) => err instanceof CodeError && err.code === 300001 && err.reason === 'HOMESTAY_NIGHTS_TAKEN',
  )
  const orders = await h.svc.db.query<{ sn: string; tradeState: number }>(
    'SELECT sn, trade_state AS tradeState FROM homestay_order WHERE homestay_id = ? ORDER BY id',
    [home.id],
  )
  assert.equal(orders.length, 2)
  assert.deepEqual(
    orders.map((o) => o.tradeState),
    [TradeState.waitPay, TradeState.cancelled],
  )
  // The rolled-back order can never be paid: the state machine refuses it.
  await assert.rejects(moveTo(orders[1]?.sn ?? '', TradeState.waitUse), (err: CodeError) => err.reason === 'ORDER_TRANSITION_REFUSED')
  assert.deepEqual(await heldBy(home.id), [sn, sn, sn])
})

test('cancelled, refunded and expired orders release their nights, once, and the nights can be booked again', async () => {
  const home = await insertHomestay(h.travelDb)
  const [a, b, c] = [stay(1), stay(2), stay(1)]
  const cancelled = await book(home.id, a)
  const refunded = await book(home.id, b)
  const expired = await book(home.id, c)
  assert.equal((await heldBy(home.id)).length, 4)

  await moveTo(cancelled, TradeState.cancelled)
  await moveTo(refunded, TradeState.waitUse, TradeState.refunded)
  await moveTo(expired, TradeState.waitUse, TradeState.expired)
  assert.deepEqual(await heldBy(home.id), [])
  // A repeated move is a no-op that repeats the release: nothing changes.
  await moveTo(refunded, TradeState.refunded)
  assert.deepEqual(await heldBy(home.id), [])

  const again = await book(home.id, { liveStartTime: a.liveStartTime, liveEndTime: c.liveEndTime })
  assert.deepEqual(await heldBy(home.id), [again, again, again, again])
})

test("the saga is kept in dtm's store in the stack's Redis, expiring a day after it finished", async () => {
  const home = await insertHomestay(h.travelDb)
  const sn = await book(home.id, stay(1))
  const q = await h.svc.dtm.query(sn)
  assert.equal(q.status, 'succeed')
  // tools/dtm/conf.yml: Store.Driver redis, RedisPrefix {dtm}, FinishedDataExpire one day.
  const key = `{dtm}_g_${sn}`
  const redis = createRedis(h.svc.config.Cache)
  try {
    const stored = JSON.parse((await redis.get(key)) ?? 'null') as { gid: string; status: string } | null
    assert.equal(stored?.gid, sn)
    assert.equal(stored?.status, 'succeed')
    const ttl = await redis.ttl(key)
    assert.ok(ttl > 86_400 - 60 && ttl <= 86_400, `TTL ${ttl} s`)
  } finally {
    redis.disconnect()
  }
})
