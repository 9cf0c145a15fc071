import { schemaFields, toMessage } from '@looklook/model'
import { fenToYuan } from '@looklook/rest'
import type { Homestay as HomestayMessage } from '@looklook/travel-rpc/gen'
import { Homestay } from '../schemas/homestay.ts'

const homestayFields = schemaFields(Homestay)

/** The api's view of a homestay (a model row or travel-rpc's message, both in fen): the same fields, prices in yuan. */
export function toHomestayView(h: HomestayMessage): Homestay {
  return toMessage(homestayFields, h, {
    foodPrice: fenToYuan(h.foodPrice),
    homestayPrice: fenToYuan(h.homestayPrice),
    marketHomestayPrice: fenToYuan(h.marketHomestayPrice),
  })
}
