import { protoFields, toMessage } from '@looklook/model'
import { type ThirdPayment, ZERO_TIME } from '@looklook/payment-model'
import { loadProto } from '@looklook/zrpc'
import { type PaymentDetail, paymentProto } from '../../gen/payment.ts'

const detailFields = protoFields<PaymentDetail>(loadProto(paymentProto), 'pb.PaymentDetail')

function unix(date: Date): number {
  // The DDL's "not set" value reads as 0, like a zero time.Time in the Go original.
  return date.getTime() <= ZERO_TIME.getTime() ? 0 : Math.floor(date.getTime() / 1000)
}

/** The wire form of a payment (money in fen, times in unix seconds). */
export function toPaymentDetail(p: ThirdPayment): PaymentDetail {
  return toMessage(detailFields, p, { payTime: unix(p.payTime), createTime: unix(p.createTime), updateTime: unix(p.updateTime) })
}

/** "No payment": every field zero, as the Go original answers (callers test `id > 0`). */
export function emptyPaymentDetail(): PaymentDetail {
  return {
    id: 0,
    sn: '',
    userId: 0,
    payMode: '',
    tradeType: '',
    tradeState: '',
    payTotal: 0,
    transactionId: '',
    tradeStateDesc: '',
    orderSn: '',
    serviceType: '',
    payStatus: 0,
    payTime: 0,
    createTime: 0,
    updateTime: 0,
  }
}
