export * from './gen/homestay-order.ts'
export * from './homestay-order.ts'
