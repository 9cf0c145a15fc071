/**
 * Helpers of the booking and payment end-to-end tests: mini-program guests from the WeChat sandbox,
 * orders and payments through the gateway, the sandbox's driving API, and direct reads of
 * looklook_payment (pay_status and the outbox are not exposed by any route).
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomUUID, verify, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { copyHomestay, freshStay, post, request, type TokenTriple, waitFor } from '@looklook/testkit'
import { createConnection } from 'mysql2/promise'
import type { UserHomestayOrderDetailResp, UserHomestayOrderListView } from '../../app/order/api/src/schemas/homestay-order.ts'
import type { Homestay } from '../../app/travel/api/src/schemas/homestay.ts'

export type { Homestay }
/** An order as userHomestayOrderDetail answers it. */
export type OrderView = UserHomestayOrderDetailResp

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const SANDBOX = process.env.WECHAT_PAY_BASE_URL ?? 'http://127.0.0.1:8960'
export const ORDER = '/order/v1/homestayOrder'
export const WX_PAY = '/payment/v1/thirdPayment/thirdPaymentWxPay'
export const WX_PAY_CALLBACK = '/payment/v1/thirdPayment/thirdPaymentWxPayCallback'
/** The close delay the running apps were given (5 s under ./looklook test). */
export const CLOSE_DELAY_S = Number(process.env.CLOSE_ORDER_DELAY_SECONDS ?? '1200')
/** The key files the sandbox generated; the tests verify with them independently of the services' code. */
export const WECHAT_DIR = `${ROOT}data/wechat`

export interface WxGuest {
  token: string
  openid: string
  userId: number
}

export interface PayParams {
  appid: string
  nonceStr: string
  paySign: string
  package: string
  timestamp: string
  signType: string
}

export interface Delivery {
  status: number
  body: string
}

export interface SandboxPayResult {
  outTradeNo: string
  prepayId: string
  transactionId: string | null
  tradeState: string
  deliveries: Delivery[]
}

export interface SandboxMessage {
  template_id: string
  page: string
  data: Record<string, { value: string }>
}

function userIdOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jwtUserId: number }
  return payload.jwtUserId
}

/** A guest who logged in through the mini-program, so payments find an openid. */
export async function wxGuest(prefix = 'pay'): Promise<WxGuest> {
  const login = await request<{ code: string; iv: string; encryptedData: string; openid: string }>(
    '/sandbox/login',
    { nickName: `${prefix}-${randomUUID()}` },
    { baseUrl: SANDBOX },
  )
  assert.equal(login.status, 200, login.text)
  const { code, iv, encryptedData, openid } = login.body
  const auth = await post<TokenTriple>('/usercenter/v1/user/wxMiniAuth', { code, iv, encryptedData })
  assert.equal(auth.status, 200, auth.text)
  const token = auth.body.data?.accessToken ?? ''
  return { token, openid, userId: userIdOf(token) }
}

/**
 * An on-sale homestay for two with meals: a copy of one from the seeded preferred list, of this caller's
 * own, so no other test's orders hold its nights (a night is held by one order).
 */
export async function bookableHomestay(): Promise<Homestay> {
  const res = await post<{ list: Homestay[] }>('/travel/v1/homestay/homestayList', { page: 1, pageSize: 20 })
  assert.equal(res.status, 200, res.text)
  const found = res.body.data?.list.find((h) => h.rowState === 1 && h.peopleNum >= 2 && h.foodPrice > 0)
  assert.ok(found, 'the seeded catalogue has an on-sale homestay for two with meals')
  const detail = await post<{ homestay: Homestay }>('/travel/v1/homestay/homestayDetail', { id: await copyHomestay(found.id) })
  assert.equal(detail.status, 200, detail.text)
  assert.ok(detail.body.data)
  return detail.body.data.homestay
}

/** Midnight (China time) `daysAhead` days from now, as unix seconds: a stay of whole calendar days. */
export function chinaMidnight(daysAhead: number): number {
  const day = Math.floor((Date.now() / 1000 + 8 * 3600) / 86_400)
  return (day + daysAhead) * 86_400 - 8 * 3600
}

/**
 * Books `nights` nights for `people` guests with meals, starting in three days or, after earlier bookings
 * of this test file, where the previous one ended; returns the order sn.
 */
export async function createOrder(token: string, homestayId: number, nights = 2, people = 2): Promise<string> {
  const res = await post<{ orderSn: string }>(
    `${ORDER}/createHomestayOrder`,
    { homestayId, isFood: true, ...freshStay(nights, 3), livePeopleNum: people, remark: 'payment e2e' },
    { token },
  )
  assert.equal(res.status, 200, res.text)
  const sn = res.body.data?.orderSn ?? ''
  assert.match(sn, /^HSO\d{22}$/)
  return sn
}

export async function orderDetail(token: string, sn: string): Promise<OrderView> {
  const res = await post<OrderView>(`${ORDER}/userHomestayOrderDetail`, { sn }, { token })
  assert.equal(res.status, 200, res.text)
  assert.ok(res.body.data)
  return res.body.data
}

export async function orderList(token: string): Promise<UserHomestayOrderListView[]> {
  const res = await post<{ list: UserHomestayOrderListView[] }>(
    `${ORDER}/userHomestayOrderList`,
    { lastId: 0, pageSize: 20, tradeState: -99 },
    { token },
  )
  assert.equal(res.status, 200, res.text)
  return res.body.data?.list ?? []
}

export async function wxPay(token: string, orderSn: string): Promise<PayParams> {
  const res = await post<PayParams>(WX_PAY, { orderSn, serviceType: 'homestayOrder' }, { token })
  assert.equal(res.status, 200, res.text)
  assert.ok(res.body.data)
  return res.body.data
}

/** The driving API: WeChat "pays" the prepay order and posts its notification(s) to payment-api. */
export async function sandboxPay(body: Record<string, unknown>): Promise<SandboxPayResult> {
  const res = await request<SandboxPayResult>('/sandbox/pay', body, { baseUrl: SANDBOX })
  assert.equal(res.status, 200, res.text)
  return res.body
}

export async function messagesFor(openid: string): Promise<SandboxMessage[]> {
  const res = await request<{ messages: SandboxMessage[] }>(`/sandbox/messages?openid=${encodeURIComponent(openid)}`, undefined, {
    baseUrl: SANDBOX,
    method: 'GET',
  })
  assert.equal(res.status, 200, res.text)
  return res.body.messages
}

/** Checks a paySign the way WeChat does when the payer pays: SHA256-RSA with the merchant certificate. */
export function paySignVerifies(p: PayParams): boolean {
  const cert = new X509Certificate(readFileSync(`${WECHAT_DIR}/merchant/apiclient_cert.pem`))
  const message = `${p.appid}\n${p.timestamp}\n${p.nonceStr}\n${p.package}\n`
  return verify('sha256', Buffer.from(message), cert.publicKey, Buffer.from(p.paySign, 'base64'))
}

/** `YYYY-MM-DD` of a unix second in China time, as the subscribe messages carry dates. */
export function ymd(unixSeconds: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    unixSeconds * 1000,
  )
}

export interface PaymentRow {
  sn: string
  pay_status: number
  version: number
  pay_total: number
  trade_state: string
  transaction_id: string
}

export interface OutboxRow {
  payment_sn: string
  pay_status: number
  state: number
  attempts: number
}

async function query<R>(sql: string, args: unknown[]): Promise<R[]> {
  const conn = await createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'looklook',
    password: 'looklook',
    database: 'looklook_payment',
  })
  try {
    const [rows] = await conn.query(sql, args)
    return rows as R[]
  } finally {
    await conn.end()
  }
}

/** Every payment of an order (third_payment), oldest first. */
export function paymentsOf(orderSn: string): Promise<PaymentRow[]> {
  return query<PaymentRow>(
    'SELECT sn, pay_status, version, pay_total, trade_state, transaction_id FROM third_payment WHERE order_sn = ? ORDER BY id',
    [orderSn],
  )
}

/** The outbox events of a payment, oldest first. */
export function outboxOf(paymentSn: string): Promise<OutboxRow[]> {
  return query<OutboxRow>('SELECT payment_sn, pay_status, state, attempts FROM third_payment_outbox WHERE payment_sn = ? ORDER BY id', [
    paymentSn,
  ])
}

/** Waits until the order reaches `tradeState`; fails with the last state seen. */
export async function waitForOrderState(token: string, sn: string, tradeState: number, timeoutMs = 10_000): Promise<OrderView> {
  let last: OrderView | undefined
  const reached = await waitFor(
    async () => {
      last = await orderDetail(token, sn)
      return last.tradeState === tradeState
    },
    { timeoutMs, intervalMs: 200 },
  )
  assert.ok(reached, `order ${sn} reached state ${tradeState} within ${timeoutMs} ms (last: ${last?.tradeState})`)
  return last as OrderView
}

/** `./looklook <args>` from the repository root. */
export function looklook(...args: string[]): string {
  return execFileSync(`${ROOT}looklook`, args, { cwd: ROOT, encoding: 'utf8', timeout: 180_000 })
}
