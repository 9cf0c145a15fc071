import { defineModel, type Tx } from '@looklook/model'
import { type UserAuth, userAuthTable } from './gen/user-auth.ts'

/** Login identity kinds, as the Go original names them. */
export const UserAuthType = Object.freeze({ system: 'system', wxMini: 'wxMini' } as const)

export class UserAuthModel extends defineModel(userAuthTable) {
  findOneByAuthTypeAuthKey(authType: string, authKey: string, tx?: Tx): Promise<UserAuth | null> {
    return this.findOneBy({ authType, authKey }, tx)
  }

  findOneByUserIdAuthType(userId: number, authType: string, tx?: Tx): Promise<UserAuth | null> {
    return this.findOneBy({ userId, authType }, tx)
  }
}
