import { defineModel, type Tx } from '@looklook/model'
import { type Homestay, homestayTable } from './gen/homestay.ts'

/** `homestay.row_state`: only on-sale homestays are listed and bookable. */
export const HomestayRowState = Object.freeze({ offSale: 0, onSale: 1 } as const)

export class HomestayModel extends defineModel(homestayTable) {
  /** On-sale homestays of one business, newest first, keyset paged (`lastId` 0 = first page). */
  findOnSalePageByBusiness(homestayBusinessId: number, lastId: number, pageSize: number, tx?: Tx): Promise<Homestay[]> {
    return this.findPageByIdDesc(
      { where: '`homestay_business_id` = ? AND `row_state` = ?', args: [homestayBusinessId, HomestayRowState.onSale], lastId, pageSize },
      tx,
    )
  }

  /** The newest `limit` on-sale homestays. */
  findNewestOnSale(limit: number, tx?: Tx): Promise<Homestay[]> {
    return this.findAll({ where: '`row_state` = ?', args: [HomestayRowState.onSale], limit }, tx)
  }

  /**
   * Average nightly price per guest (fen) of each business's on-sale homestays, for the shop list's
   * "per person" figure. Businesses without an on-sale homestay are absent from the map.
   */
  async avgPricePerPersonByBusiness(businessIds: readonly number[], tx?: Tx): Promise<Map<number, number>> {
    if (businessIds.length === 0) return new Map()
    const rows = await this.query<{ businessId: number | string; perPerson: number | string | null }>(
      `SELECT \`homestay_business_id\` AS businessId, AVG(\`homestay_price\` / GREATEST(\`people_num\`, 1)) AS perPerson
       FROM ${this.table.sqlTable}
       WHERE \`homestay_business_id\` IN (${businessIds.map(() => '?').join(',')}) AND \`row_state\` = ? AND \`del_state\` = 0
       GROUP BY \`homestay_business_id\``,
      [...businessIds, HomestayRowState.onSale],
      tx,
    )
    return new Map(rows.map((r) => [Number(r.businessId), Number(r.perPerson ?? 0)]))
  }
}
