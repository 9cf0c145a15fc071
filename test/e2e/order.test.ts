/**
 * Homestay orders end to end through the nginx gateway on :8888 (issue 3): two registered users,
 * a homestay from the seeded catalogue, create → list → detail, ownership, validation and auth.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { copyHomestay, freshStay, post, registerUser, type TestUser } from '@looklook/testkit'
import type {
  UserHomestayOrderDetailResp as Detail,
  UserHomestayOrderListView as ListItem,
} from '../../app/order/api/src/schemas/homestay-order.ts'
import type { Homestay as HomestayView } from '../../app/travel/api/src/schemas/homestay.ts'

const ORDER = '/order/v1/homestayOrder'

const yuanToFen = (yuan: number) => Math.round(yuan * 100)

let alice: TestUser
let bob: TestUser
let homestay: HomestayView

before(async () => {
  ;[alice, bob] = await Promise.all([registerUser(), registerUser()])
  const res = await post<{ list: HomestayView[] }>('/travel/v1/homestay/homestayList', { page: 1, pageSize: 20 })
  assert.equal(res.status, 200, res.text)
  const bookable = res.body.data?.list.find((h) => h.rowState === 1 && h.peopleNum >= 2 && h.foodPrice > 0)
  assert.ok(bookable, 'the seeded catalogue has an on-sale homestay for two with meals')
  // This file's own copy of it: a night is held by one order, and other tests book the seeded ones.
  const copy = await post<{ homestay: HomestayView }>('/travel/v1/homestay/homestayDetail', { id: await copyHomestay(bookable.id) })
  assert.equal(copy.status, 200, copy.text)
  assert.ok(copy.body.data)
  homestay = copy.body.data.homestay
})

/** Nights no earlier stay of this file holds, starting today. */
function stay(nights: number) {
  return freshStay(nights, 0)
}

async function createOrder(user: TestUser, over: Record<string, unknown> = {}): Promise<string> {
  const res = await post<{ orderSn: string }>(
    `${ORDER}/createHomestayOrder`,
    { homestayId: homestay.id, isFood: true, livePeopleNum: 2, remark: 'e2e', ...stay(2), ...over },
    { token: user.accessToken },
  )
  assert.equal(res.status, 200, res.text)
  const sn = res.body.data?.orderSn ?? ''
  assert.match(sn, /^HSO[0-9]{22}$/)
  return sn
}

describe('orders through the gateway', () => {
  test('create → list and detail show a wait-pay order with the right totals in yuan', async () => {
    const sn = await createOrder(alice)
    // 2 nights for 2 guests with meals, computed in fen from the prices travel-api shows
    const homestayTotal = yuanToFen(homestay.homestayPrice) * 2
    const foodTotal = yuanToFen(homestay.foodPrice) * 2 * 2

    const list = await post<{ list: ListItem[] }>(
      `${ORDER}/userHomestayOrderList`,
      { lastId: 0, pageSize: 10, tradeState: -99 },
      { token: alice.accessToken },
    )
    assert.equal(list.status, 200, list.text)
    const item = list.body.data?.list.find((o) => o.sn === sn)
    assert.ok(item, 'the new order is listed')
    assert.equal(item.tradeState, 0)
    assert.equal(item.homestayId, homestay.id)
    assert.equal(item.title, homestay.title)
    assert.equal(yuanToFen(item.orderTotalPrice), homestayTotal + foodTotal)
    assert.equal(item.tradeCode, '', 'no check-in code before payment')
    assert.equal(item.liveEndDate - item.liveStartDate, 2 * 86_400)
    assert.equal(list.body.data?.list[0]?.sn, sn, 'newest first')

    const waitPay = await post<{ list: ListItem[] }>(
      `${ORDER}/userHomestayOrderList`,
      { lastId: 0, pageSize: 10, tradeState: 0 },
      { token: alice.accessToken },
    )
    assert.ok(waitPay.body.data?.list.some((o) => o.sn === sn))
    const paid = await post<{ list: ListItem[] }>(
      `${ORDER}/userHomestayOrderList`,
      { lastId: 0, pageSize: 10, tradeState: 1 },
      { token: alice.accessToken },
    )
    assert.equal(
      paid.body.data?.list.some((o) => o.sn === sn),
      false,
    )

    const detail = await post<Detail>(`${ORDER}/userHomestayOrderDetail`, { sn }, { token: alice.accessToken })
    assert.equal(detail.status, 200, detail.text)
    const d = detail.body.data
    assert.ok(d)
    assert.equal(d.sn, sn)
    assert.equal(d.tradeState, 0)
    assert.equal(yuanToFen(d.homestayTotalPrice), homestayTotal)
    assert.equal(yuanToFen(d.foodTotalPrice), foodTotal)
    assert.equal(yuanToFen(d.orderTotalPrice), homestayTotal + foodTotal)
    assert.equal(d.homestayPrice, homestay.homestayPrice)
    assert.equal(d.foodPrice, homestay.foodPrice)
    assert.equal(d.livePeopleNum, 2)
    assert.equal(d.needFood, 1)
    assert.equal(d.remark, 'e2e')
    assert.equal(d.payTime, 0)
    assert.equal(d.payType, '')
    assert.equal(d.tradeCode, '')
  })

  test('another user can neither see nor list the order', async () => {
    const sn = await createOrder(alice)
    const theirs = await post(`${ORDER}/userHomestayOrderDetail`, { sn }, { token: bob.accessToken })
    assert.equal(theirs.status, 400)
    const unknown = await post(
      `${ORDER}/userHomestayOrderDetail`,
      { sn: `HSO20000101000000${String(Date.now() % 1e8).padStart(8, '0')}` },
      { token: bob.accessToken },
    )
    assert.deepEqual(theirs.body, unknown.body, 'the same answer as for an order that does not exist')

    const bobsOwn = await createOrder(bob, { isFood: false, livePeopleNum: 1 })
    const list = await post<{ list: ListItem[] }>(
      `${ORDER}/userHomestayOrderList`,
      { lastId: 0, pageSize: 100, tradeState: -99 },
      { token: bob.accessToken },
    )
    assert.equal(list.status, 200, list.text)
    const sns = list.body.data?.list.map((o) => o.sn) ?? []
    assert.ok(sns.includes(bobsOwn))
    assert.equal(sns.includes(sn), false)
  })

  test('malformed or out-of-range input → 400/100002', async () => {
    const valid = { homestayId: homestay.id, isFood: false, livePeopleNum: 1, remark: '', ...stay(1) }
    const now = Math.floor(Date.now() / 1000)
    const cases: [string, string, unknown][] = [
      ['createHomestayOrder', 'homestayId 0', { ...valid, homestayId: 0 }],
      ['createHomestayOrder', 'homestayId as text', { ...valid, homestayId: String(homestay.id) }],
      ['createHomestayOrder', 'no guests', { ...valid, livePeopleNum: 0 }],
      ['createHomestayOrder', 'more guests than the homestay holds', { ...valid, livePeopleNum: homestay.peopleNum + 1 }],
      ['createHomestayOrder', 'end before start', { ...valid, liveStartTime: now + 86_400, liveEndTime: now }],
      ['createHomestayOrder', 'no night', { ...valid, liveStartTime: now + 60, liveEndTime: now + 120 }],
      ['createHomestayOrder', 'start in the past', { ...valid, liveStartTime: now - 3 * 86_400, liveEndTime: now + 86_400 }],
      ['createHomestayOrder', 'remark too long', { ...valid, remark: 'x'.repeat(65) }],
      ['createHomestayOrder', 'negative time', { ...valid, liveStartTime: -1 }],
      ['userHomestayOrderList', 'pageSize 0', { lastId: 0, pageSize: 0, tradeState: -99 }],
      ['userHomestayOrderList', 'pageSize too large', { lastId: 0, pageSize: 1000, tradeState: -99 }],
      ['userHomestayOrderList', 'unknown state', { lastId: 0, pageSize: 10, tradeState: 9 }],
      ['userHomestayOrderList', 'negative lastId', { lastId: -5, pageSize: 10, tradeState: -99 }],
      ['userHomestayOrderDetail', 'malformed sn', { sn: 'HSO123' }],
      ['userHomestayOrderDetail', 'missing sn', {}],
    ]
    for (const [route, what, body] of cases) {
      const res = await post(`${ORDER}/${route}`, body, { token: alice.accessToken })
      assert.equal(res.status, 400, `${route} ${what}: ${res.text}`)
      assert.equal(res.body.code, 100002, `${route} ${what}: ${res.text}`)
    }
  })

  test('no token → 401/100003 on every order route', async () => {
    for (const route of ['createHomestayOrder', 'userHomestayOrderList', 'userHomestayOrderDetail']) {
      const res = await post(`${ORDER}/${route}`, {})
      assert.equal(res.status, 401, route)
      assert.equal(res.body.code, 100003, route)
    }
  })
})
