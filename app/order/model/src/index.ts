export * from './homestay-order.ts'
