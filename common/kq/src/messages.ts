import { type Static, Type } from '@sinclair/typebox'

/**
 * The project's topics and their payloads, the go-zero-looklook `common/kqueue` package. JSON
 * field names are the Go original's (`json:"payStatus"` …), so Go and TypeScript services can
 * share the topics.
 */
export const Topics = Object.freeze({
  /** payment-rpc → order-mq: a third-party payment changed its pay status. */
  paymentUpdatePayStatus: 'payment-update-paystatus-topic',
  /** mqueue-rpc → message-mq: a mini-program subscribe message to send. */
  sendWxMiniTplMessage: 'send-wx-mini-tpl-message',
} as const)

/** `{payStatus, orderSn}`: payStatus is third_payment.pay_status (1 paid, 2 refunded). */
export const PaymentUpdatePayStatusMessage = Type.Object({
  payStatus: Type.Integer(),
  orderSn: Type.String({ minLength: 1, maxLength: 64 }),
})
export type PaymentUpdatePayStatusMessage = Static<typeof PaymentUpdatePayStatusMessage>

/**
 * A subscribe message to send. `data` maps template keys to values, each optionally suffixed
 * `#color` (the Go original's `value#color` convention).
 */
export const SendWxMiniSubMessage = Type.Object({
  openid: Type.String({ minLength: 1, maxLength: 128 }),
  templateID: Type.String({ minLength: 1, maxLength: 128 }),
  page: Type.String({ default: '' }),
  data: Type.Record(Type.String(), Type.String()),
})
export type SendWxMiniSubMessage = Static<typeof SendWxMiniSubMessage>
