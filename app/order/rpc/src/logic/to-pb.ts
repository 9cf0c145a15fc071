import type { HomestayOrder as OrderRow } from '@looklook/order-model'
import type { HomestayOrder, UpdateHomestayOrderTradeStateResp } from '../../gen/order.ts'
import { dateToDay, dayStart } from './dates.ts'

/** A row as the proto message: dates as unix seconds, stay dates at the start of their day in `zone`. */
export function toPbOrder(row: OrderRow, zone: string): HomestayOrder {
  return {
    id: row.id,
    sn: row.sn,
    userId: row.userId,
    homestayId: row.homestayId,
    title: row.title,
    subTitle: row.subTitle,
    cover: row.cover,
    info: row.info,
    peopleNum: row.peopleNum,
    rowType: row.rowType,
    foodInfo: row.foodInfo,
    foodPrice: row.foodPrice,
    homestayPrice: row.homestayPrice,
    marketHomestayPrice: row.marketHomestayPrice,
    homestayBusinessId: row.homestayBusinessId,
    homestayUserId: row.homestayUserId,
    liveStartDate: dayStart(dateToDay(row.liveStartDate), zone),
    liveEndDate: dayStart(dateToDay(row.liveEndDate), zone),
    livePeopleNum: row.livePeopleNum,
    tradeState: row.tradeState,
    tradeCode: row.tradeCode,
    remark: row.remark,
    orderTotalPrice: row.orderTotalPrice,
    foodTotalPrice: row.foodTotalPrice,
    homestayTotalPrice: row.homestayTotalPrice,
    createTime: Math.floor(row.createTime.getTime() / 1000),
    needFood: row.needFood,
  }
}

export function toUpdateResp(row: OrderRow, zone: string): UpdateHomestayOrderTradeStateResp {
  const o = toPbOrder(row, zone)
  return {
    id: o.id,
    userId: o.userId,
    sn: o.sn,
    tradeCode: o.tradeCode,
    liveStartDate: o.liveStartDate,
    liveEndDate: o.liveEndDate,
    orderTotalPrice: o.orderTotalPrice,
    title: o.title,
  }
}
