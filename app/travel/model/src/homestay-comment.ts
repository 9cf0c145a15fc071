import { defineModel, type Tx } from '@looklook/model'
import { type HomestayComment, homestayCommentTable } from './gen/homestay-comment.ts'

export class HomestayCommentModel extends defineModel(homestayCommentTable) {
  /** Comments on one homestay, newest first, keyset paged on the (homestay_id, id) index. */
  findPageByHomestay(homestayId: number, lastId: number, pageSize: number, tx?: Tx): Promise<HomestayComment[]> {
    return this.findPageByIdDesc({ where: '`homestay_id` = ?', args: [homestayId], lastId, pageSize }, tx)
  }
}

/**
 * The overall rating of a comment's `star` JSON: its `overall` value, else the mean of its numeric
 * dimensions, else 0 (malformed JSON included — a bad rating must not hide the comment).
 */
export function overallStar(star: string): number {
  let parsed: unknown
  try {
    parsed = JSON.parse(star)
  } catch {
    return 0
  }
  if (typeof parsed === 'number' && Number.isFinite(parsed)) return parsed
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 0
  const dims = parsed as Record<string, unknown>
  if (typeof dims.overall === 'number' && Number.isFinite(dims.overall)) return dims.overall
  const values = Object.values(dims).filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  if (values.length === 0) return 0
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10
}
