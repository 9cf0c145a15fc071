import { defineModel, type Tx } from '@looklook/model'
import { type User, userTable } from './gen/user.ts'

export class UserModel extends defineModel(userTable) {
  findOneByMobile(mobile: string, tx?: Tx): Promise<User | null> {
    return this.findOneBy({ mobile }, tx)
  }
}
