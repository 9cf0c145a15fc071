export * from './third-payment.ts'
export * from './third-payment-outbox.ts'
