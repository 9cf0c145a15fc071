import { fenToYuan } from '@looklook/rest'
import type { Homestay } from '@looklook/travel-rpc/gen'
import type { HomestayView } from '../types.ts'

/** The api's view of a homestay (a model row or travel-rpc's message, both in fen). */
export function toHomestayView(h: Homestay): HomestayView {
  return {
    id: h.id,
    title: h.title,
    subTitle: h.subTitle,
    banner: h.banner,
    info: h.info,
    peopleNum: h.peopleNum,
    homestayBusinessId: h.homestayBusinessId,
    userId: h.userId,
    rowState: h.rowState,
    rowType: h.rowType,
    foodInfo: h.foodInfo,
    foodPrice: fenToYuan(h.foodPrice),
    homestayPrice: fenToYuan(h.homestayPrice),
    marketHomestayPrice: fenToYuan(h.marketHomestayPrice),
  }
}
