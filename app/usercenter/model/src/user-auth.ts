import { defineModel, defineTable, type RowOf, type Tx } from '@looklook/model'

/** Login identity kinds, as the Go original names them. */
export const UserAuthType = Object.freeze({ system: 'system', wxMini: 'wxMini' } as const)

export const userAuthTable = defineTable({
  database: 'looklook_usercenter',
  table: 'user_auth',
  columns: { userId: 'int', authKey: 'string', authType: 'string' },
  uniqueKeys: [
    ['authType', 'authKey'],
    ['userId', 'authType'],
  ],
})

export type UserAuth = RowOf<typeof userAuthTable>

export class UserAuthModel extends defineModel(userAuthTable) {
  findOneByAuthTypeAuthKey(authType: string, authKey: string, tx?: Tx): Promise<UserAuth | null> {
    return this.findOneBy({ authType, authKey }, tx)
  }

  findOneByUserIdAuthType(userId: number, authType: string, tx?: Tx): Promise<UserAuth | null> {
    return this.findOneBy({ userId, authType }, tx)
  }
}
