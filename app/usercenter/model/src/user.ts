import { defineModel, defineTable, type RowOf, type Tx } from '@looklook/model'

export const userTable = defineTable({
  database: 'looklook_usercenter',
  table: 'user',
  columns: { mobile: 'string', password: 'string', nickname: 'string', sex: 'int', avatar: 'string', info: 'string' },
  uniqueKeys: [['mobile']],
})

export type User = RowOf<typeof userTable>

export class UserModel extends defineModel(userTable) {
  findOneByMobile(mobile: string, tx?: Tx): Promise<User | null> {
    return this.findOneBy({ mobile }, tx)
  }
}
