import { protoFields, toMessage } from '@looklook/model'
import type { HomestayOrder as OrderRow } from '@looklook/order-model'
import { loadProto } from '@looklook/zrpc'
import { type HomestayOrder, orderProto, type UpdateHomestayOrderTradeStateResp } from '../../gen/order.ts'
import { dateToDay, dayStart } from './dates.ts'

const proto = loadProto(orderProto)
const orderFields = protoFields<HomestayOrder>(proto, 'pb.HomestayOrder')
const updateRespFields = protoFields<UpdateHomestayOrderTradeStateResp>(proto, 'pb.UpdateHomestayOrderTradeStateResp')

/** A row as the proto message: dates as unix seconds, stay dates at the start of their day in `zone`. */
export function toPbOrder(row: OrderRow, zone: string): HomestayOrder {
  return toMessage(orderFields, row, {
    liveStartDate: dayStart(dateToDay(row.liveStartDate), zone),
    liveEndDate: dayStart(dateToDay(row.liveEndDate), zone),
    createTime: Math.floor(row.createTime.getTime() / 1000),
  })
}

export function toUpdateResp(row: OrderRow, zone: string): UpdateHomestayOrderTradeStateResp {
  return toMessage(updateRespFields, toPbOrder(row, zone))
}
