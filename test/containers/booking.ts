// The booking journey through a gateway and a WeChat sandbox from outside the stack that runs them
// (Compose in test/containers, the local Kubernetes cluster in test/k8s): a mini-program guest signs up
// with a sandbox login, books a homestay, pays with WeChat Pay in the sandbox, and the order turns paid
// once payment-rpc's Kafka message reaches order-mq.
import assert from 'node:assert/strict'
import { type ApiEnvelope, type HttpResult, post, request, waitFor } from '@looklook/testkit'

/** Night already held by another order (common/xerr HOMESTAY_NIGHTS_TAKEN). */
const NIGHTS_TAKEN = 300001

export interface BookingOptions {
  /** The sandbox login's nickName: a new one is a new guest (the openid derives from it). */
  nickName: string
  remark: string
  /** Days from today (China time, the business calendar) of the first night tried. */
  firstDay: number
}

export interface Booking {
  sn: string
  token: string
}

/**
 * Signs up, books one night for two and pays; asserts every step and returns the paid order. A night
 * some earlier run kept (the cluster's database outlives its runs) is refused: the next one is tried.
 */
export async function bookAndPay(gateway: string, sandbox: string, opts: BookingOptions): Promise<Booking> {
  // Many processes start at once on few CPUs: an rpc behind usercenter-api may still be starting (503,
  // server busy) when the gateway first answers, so the sign-up is retried for a while on that only,
  // each time with a new mini-program login (its code is good for one use).
  const auth = await waitFor(
    async () => {
      const login = await request<{ code: string; iv: string; encryptedData: string }>(
        '/sandbox/login',
        { nickName: opts.nickName },
        { baseUrl: sandbox },
      )
      assert.equal(login.status, 200, login.text)
      const res = await post<{ accessToken: string }>('/usercenter/v1/user/wxMiniAuth', login.body, { baseUrl: gateway })
      return res.status === 503 ? undefined : res
    },
    { timeoutMs: 60_000, intervalMs: 1000 },
  )
  assert.ok(auth, 'usercenter-api answers wxMiniAuth with something other than 503 within 60 s')
  assert.equal(auth.status, 200, auth.text)
  const token = auth.body.data?.accessToken ?? ''
  assert.ok(token, auth.text)

  const list = await post<{ list: { id: number; rowState: number; peopleNum: number }[] }>(
    '/travel/v1/homestay/homestayList',
    { page: 1, pageSize: 20 },
    { baseUrl: gateway },
  )
  const homestay = list.body.data?.list.find((h) => h.rowState === 1 && h.peopleNum >= 2)
  assert.ok(homestay, list.text)

  const today = Math.floor((Date.now() / 1000 + 8 * 3600) / 86_400)
  let sn = ''
  for (let day = opts.firstDay; day < opts.firstDay + 20 && sn === ''; day++) {
    const start = (today + day) * 86_400 - 8 * 3600
    const order: HttpResult<ApiEnvelope<{ orderSn: string }>> = await post<{ orderSn: string }>(
      '/order/v1/homestayOrder/createHomestayOrder',
      { homestayId: homestay.id, isFood: false, liveStartTime: start, liveEndTime: start + 86_400, livePeopleNum: 2, remark: opts.remark },
      { baseUrl: gateway, token },
    )
    if (order.body.code === NIGHTS_TAKEN) continue
    assert.equal(order.status, 200, order.text)
    sn = order.body.data?.orderSn ?? ''
    assert.ok(sn, order.text)
  }
  assert.ok(sn, `no free night for homestay ${homestay.id} in 20 days from day ${opts.firstDay}`)
  const listed = await post<{ list: { sn: string; tradeState: number }[] }>(
    '/order/v1/homestayOrder/userHomestayOrderList',
    { lastId: 0, pageSize: 20, tradeState: -99 },
    { baseUrl: gateway, token },
  )
  assert.equal(listed.body.data?.list.find((o) => o.sn === sn)?.tradeState, 0, `the new order waits for payment: ${listed.text}`)

  const pay = await post<{ package: string }>(
    '/payment/v1/thirdPayment/thirdPaymentWxPay',
    { orderSn: sn, serviceType: 'homestayOrder' },
    { baseUrl: gateway, token },
  )
  assert.equal(pay.status, 200, pay.text)
  // The sandbox pays and notifies payment-api through the gateway, at the address the stack gave it.
  const paid = await request<{ deliveries: { status: number }[] }>(
    '/sandbox/pay',
    { prepayId: pay.body.data?.package },
    { baseUrl: sandbox },
  )
  assert.equal(paid.status, 200, paid.text)
  assert.deepEqual(
    paid.body.deliveries.map((d) => d.status),
    [204],
  )

  // payment-rpc → Kafka → order-mq marks the order paid.
  const state = await waitFor(
    async () => {
      const detail = await post<{ tradeState: number }>(
        '/order/v1/homestayOrder/userHomestayOrderDetail',
        { sn },
        { baseUrl: gateway, token },
      )
      return detail.body.data?.tradeState === 1 ? 1 : undefined
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  )
  assert.equal(state, 1, 'the order is paid')
  return { sn, token }
}
