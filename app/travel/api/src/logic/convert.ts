import { schemaFields, toMessage } from '@looklook/model/mapping'
import { fenToYuan } from '@looklook/rest'
import type { Homestay as HomestayMessage } from '@looklook/travel-rpc/gen'
import { Homestay } from '../schemas/homestay.ts'

const homestayFields = schemaFields(Homestay)

/** The api's view of travel-rpc's homestay message: the same fields, prices in yuan instead of fen. */
export function toHomestayView(h: HomestayMessage): Homestay {
  return toMessage(homestayFields, h, {
    foodPrice: fenToYuan(h.foodPrice),
    homestayPrice: fenToYuan(h.homestayPrice),
    marketHomestayPrice: fenToYuan(h.marketHomestayPrice),
  })
}
