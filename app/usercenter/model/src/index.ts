export * from './gen/user.ts'
export * from './gen/user-auth.ts'
export * from './user.ts'
export * from './user-auth.ts'
