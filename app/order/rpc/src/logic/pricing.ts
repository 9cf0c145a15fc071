import { CodeError } from '@looklook/xerr'

/** The homestay prices an order is computed from, in fen. */
export interface HomestayPrices {
  homestayPrice: number
  foodPrice: number
}

export interface OrderPrice {
  homestayTotalPrice: number
  foodTotalPrice: number
  orderTotalPrice: number
}

/**
 * Homestay total = price × nights; food total = food price × guests × nights when meals
 * are booked, else 0; order total = their sum. All in fen (integers), so no rounding happens.
 */
export function priceOrder(prices: HomestayPrices, liveDays: number, livePeopleNum: number, isFood: boolean): OrderPrice {
  const homestayTotalPrice = prices.homestayPrice * liveDays
  const foodTotalPrice = isFood ? prices.foodPrice * livePeopleNum * liveDays : 0
  const orderTotalPrice = homestayTotalPrice + foodTotalPrice
  // BIGINT columns and exact fen: a total beyond 2^53 would silently lose precision.
  if (!Number.isSafeInteger(orderTotalPrice) || orderTotalPrice < 0) throw CodeError.param('order total is out of range')
  return { homestayTotalPrice, foodTotalPrice, orderTotalPrice }
}
