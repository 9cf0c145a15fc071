import { defineModel, type Tx } from '@looklook/model'
import { type HomestayBusiness, homestayBusinessTable } from './gen/homestay-business.ts'

/** `homestay_business.row_state`. */
export const HomestayBusinessRowState = Object.freeze({ closed: 0, open: 1 } as const)

export class HomestayBusinessModel extends defineModel(homestayBusinessTable) {
  /** The shop of a boss (one per boss: unique index on user_id). */
  findOneByUserId(userId: number, tx?: Tx): Promise<HomestayBusiness | null> {
    return this.findOneBy({ userId }, tx)
  }

  /** Open shops, newest first, keyset paged (`lastId` 0 = first page). */
  findOpenPage(lastId: number, pageSize: number, tx?: Tx): Promise<HomestayBusiness[]> {
    return this.findPageByIdDesc({ where: '`row_state` = ?', args: [HomestayBusinessRowState.open], lastId, pageSize }, tx)
  }
}
