// The booking journey the trace tests drive through the gateway: a WeChat mini-program user (through the
// sandbox on :8960), an order for seeded homestay 1, its WeChat Pay prepay, and the sandbox paying it.
import { randomUUID } from 'node:crypto'
import { type ApiEnvelope, copyHomestay, freshStay, post, type TokenTriple } from '@looklook/testkit'

export const SANDBOX = 'http://127.0.0.1:8960'

async function sandbox<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${SANDBOX}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`sandbox ${path}: ${res.status} ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

function data<D>(what: string, res: { status: number; body: ApiEnvelope<D>; text: string }): D {
  if (res.status !== 200 || res.body.code !== 200 || res.body.data === undefined) throw new Error(`${what}: ${res.status} ${res.text}`)
  return res.body.data
}

/** A fresh mini-program user: sandbox wx.login, then wxMiniAuth through the gateway. Returns the access token. */
export async function wxUser(): Promise<string> {
  const login = await sandbox<{ code: string; iv: string; encryptedData: string }>('/sandbox/login', {
    nickName: `trace-${randomUUID().slice(0, 8)}`,
  })
  const auth = await post<TokenTriple>('/usercenter/v1/user/wxMiniAuth', login)
  return data('wxMiniAuth', auth).accessToken
}

/**
 * createHomestayOrder for a copy of seeded homestay 1 (its nights are this caller's own), one night a week from
 * now; extra headers (e.g. traceparent) go along.
 */
export async function createOrder(token: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await post<{ orderSn: string }>(
    '/order/v1/homestayOrder/createHomestayOrder',
    { homestayId: await copyHomestay(1), isFood: false, ...freshStay(1, 7), livePeopleNum: 1, remark: 'trace test' },
    { token, headers },
  )
  return data('createHomestayOrder', res).orderSn
}

/** The WeChat Pay prepay for an order; returns its `package` (`prepay_id=wx…`). */
export async function prepay(token: string, orderSn: string): Promise<string> {
  const res = await post<{ package: string }>(
    '/payment/v1/thirdPayment/thirdPaymentWxPay',
    { orderSn, serviceType: 'homestayOrder' },
    { token },
  )
  return data('thirdPaymentWxPay', res).package
}

/** The sandbox "pays" and posts the notification to payment-api's callback; returns what the callback answered. */
export async function sandboxPay(prepayPackage: string): Promise<{ status: number; body: string }[]> {
  const paid = await sandbox<{ deliveries: { status: number; body: string }[] }>('/sandbox/pay', { prepayId: prepayPackage })
  return paid.deliveries
}

/** The trade state order-api reports for the caller's order (0 wait-pay, 1 paid, …). */
export async function tradeState(token: string, sn: string): Promise<number> {
  const res = await post<{ tradeState: number }>('/order/v1/homestayOrder/userHomestayOrderDetail', { sn }, { token })
  return data('userHomestayOrderDetail', res).tradeState
}
