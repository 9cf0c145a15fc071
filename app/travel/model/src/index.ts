export * from './homestay.ts'
export * from './homestay-activity.ts'
export * from './homestay-business.ts'
export * from './homestay-comment.ts'
