export * from './gen/item.ts'
export * from './item.ts'
