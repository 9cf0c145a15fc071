import { defineModel, MAX_PAGE_SIZE, type Tx } from '@looklook/model'
import { CodeError } from '@looklook/xerr'
import { type HomestayActivity, homestayActivityTable } from './gen/homestay-activity.ts'
import { HomestayRowState } from './homestay.ts'

/** `homestay_activity.row_type`: what `data_id` points at. */
export const HomestayActivityType = Object.freeze({
  /** data_id = homestay.id */
  preferredHomestay: 'preferredHomestay',
  /** data_id = the boss's user id (homestay_business.user_id) */
  goodBusiness: 'goodBusiness',
} as const)

/** `homestay_activity.row_status`. */
export const HomestayActivityStatus = Object.freeze({ down: 0, up: 1 } as const)

export class HomestayActivityModel extends defineModel(homestayActivityTable) {
  findOneByRowTypeDataId(rowType: string, dataId: number, tx?: Tx): Promise<HomestayActivity | null> {
    return this.findOneBy({ rowType, dataId }, tx)
  }

  /**
   * Homestay ids of a live homestay activity, page by page (`page` from 1), newest homestay first.
   * Only on-sale homestays count, so pages stay full and offsets stable when a homestay goes off sale;
   * the rows themselves are then read through the model cache by the caller.
   */
  async findHomestayIdsPage(rowType: string, page: number, pageSize: number, tx?: Tx): Promise<number[]> {
    if (!Number.isSafeInteger(page) || page < 1) throw CodeError.param('page must be a positive integer')
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw CodeError.param('pageSize must be a positive integer')
    const size = Math.min(pageSize, MAX_PAGE_SIZE)
    const rows = await this.query<{ dataId: number | string }>(
      `SELECT a.\`data_id\` AS dataId FROM ${this.table.sqlTable} a
       JOIN \`homestay\` h ON h.\`id\` = a.\`data_id\` AND h.\`row_state\` = ? AND h.\`del_state\` = 0
       WHERE a.\`row_type\` = ? AND a.\`row_status\` = ? AND a.\`del_state\` = 0
       ORDER BY a.\`data_id\` DESC LIMIT ? OFFSET ?`,
      [HomestayRowState.onSale, rowType, HomestayActivityStatus.up, size, (page - 1) * size],
      tx,
    )
    return rows.map((r) => Number(r.dataId))
  }

  /** `data_id`s of the live activities of one type in the order they were added (ranking order), at most `limit`. */
  async findLiveDataIds(rowType: string, limit: number, tx?: Tx): Promise<number[]> {
    const rows = await this.findAll(
      { where: '`row_type` = ? AND `row_status` = ?', args: [rowType, HomestayActivityStatus.up], orderBy: '`id` ASC', limit },
      tx,
    )
    return rows.map((r) => r.dataId)
  }
}
