export * from './user.ts'
export * from './user-auth.ts'
