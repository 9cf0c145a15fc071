export * from './gen/third-payment.ts'
export * from './gen/third-payment-outbox.ts'
export * from './third-payment.ts'
export * from './third-payment-outbox.ts'
