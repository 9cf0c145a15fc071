import { defineRefusals } from '@looklook/xerr'

/** `third_payment.pay_status`, for callers that follow payments (order-mq completes paid orders). */
export { PayMode, PayStatus } from '@looklook/payment-model'

/** payment's refusals, payment-rpc's and payment-api's (doc/errors.md, Refusals and reasons). */
export const PaymentRefusals = defineRefusals({
  PAYMENT_NOT_FOUND: 'payment does not exist',
  ORDER_ALREADY_PAID: 'the order has already been paid',
  PAYMENT_IN_PROGRESS: 'another payment of this order is in progress',
  PAYMENT_TRANSITION_REFUSED: (from: number, to: number) => `a payment with pay status ${from} cannot change to pay status ${to}`,
  ORDER_NOT_WAIT_PAY: 'the order is not waiting for payment',
  ORDER_PAY_EXPIRED: 'the order was not paid in time, please book again',
  NO_WECHAT_AUTH: 'paying with WeChat needs a WeChat login: sign in through the mini program first',
})
