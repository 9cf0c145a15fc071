import { createPool, SqlConn } from '@looklook/model'

/**
 * Booking fixtures. A homestay's night is held by one order (doc/transactions.md), and paid orders keep
 * their nights across test runs, so tests that book never share a homestay or a night: each test file
 * books its own copy of a seeded homestay ({@link copyHomestay}), and each stay it books starts after the
 * previous one ({@link freshStay}).
 */

const TRAVEL_DB = process.env.TRAVEL_DB ?? 'mysql://looklook:looklook@127.0.0.1:3306/looklook_travel'

/**
 * Inserts a copy of homestay `id` (same title, prices, capacity and boss; a new id no cache has seen) and
 * returns the copy's id. The copy belongs to no business (homestay_business_id 0), so the catalogue's
 * per-business lists stay as seeded.
 */
export async function copyHomestay(id: number): Promise<number> {
  const db = new SqlConn(createPool({ DataSource: TRAVEL_DB, PoolSize: 1 }))
  try {
    const res = await db.exec(
      `INSERT INTO homestay (title, sub_title, banner, info, people_num, homestay_business_id, user_id, row_state, row_type,
         food_info, food_price, homestay_price, market_homestay_price)
       SELECT title, sub_title, banner, info, people_num, 0, user_id, row_state, row_type, food_info, food_price, homestay_price,
         market_homestay_price
       FROM homestay WHERE id = ?`,
      [id],
    )
    if (res.affectedRows !== 1) throw new Error(`no homestay ${id} to copy`)
    return res.insertId
  } finally {
    await db.close()
  }
}

/** Days after today the next {@link freshStay} starts. */
let nextDay = 0

/**
 * `nights` whole calendar days (China time, the business calendar) from `firstDay` days ahead on the first
 * call, each later call starting where the previous stay ended, as unix seconds: a check-out day is the
 * next stay's check-in, which the calendar allows.
 */
export function freshStay(nights: number, firstDay = 1): { liveStartTime: number; liveEndTime: number } {
  nextDay = Math.max(nextDay, firstDay)
  const today = Math.floor((Date.now() / 1000 + 8 * 3600) / 86_400)
  const start = (today + nextDay) * 86_400 - 8 * 3600
  nextDay += nights
  return { liveStartTime: start, liveEndTime: start + nights * 86_400 }
}
