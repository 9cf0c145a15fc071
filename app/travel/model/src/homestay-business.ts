import { defineModel, defineTable, type RowOf, type Tx } from '@looklook/model'

/** `homestay_business.row_state`. */
export const HomestayBusinessRowState = Object.freeze({ closed: 0, open: 1 } as const)

export const homestayBusinessTable = defineTable({
  database: 'looklook_travel',
  table: 'homestay_business',
  columns: {
    title: 'string',
    userId: 'int',
    info: 'string',
    bossInfo: 'string',
    // Column name kept from the Go original's schema (`license_fron`).
    licenseFron: 'string',
    licenseBack: 'string',
    rowState: 'int',
    star: 'float',
    tags: 'string',
    cover: 'string',
    headerImg: 'string',
  },
  uniqueKeys: [['userId']],
})

export type HomestayBusiness = RowOf<typeof homestayBusinessTable>

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
