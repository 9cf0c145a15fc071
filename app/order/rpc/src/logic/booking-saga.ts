import { branchMetadata, grpcAction, grpcStep, type SagaStep } from '@looklook/dtm'
import type { InsertData } from '@looklook/model'
import type { HomestayOrder, homestayOrderTable } from '@looklook/order-model'
import { type NightsReq, travelProto, travelServiceName } from '@looklook/travel-rpc/gen'
import { CodeError } from '@looklook/xerr'
import { type HomestayOrderSagaReq, orderProto, orderServiceName } from '../../gen/order.ts'
import type { ServiceContext } from '../svc-context.ts'

/** A priced order, ready to insert: what branch 1's action stores. */
export type PricedOrder = InsertData<typeof homestayOrderTable>

/** The booking saga's branch ids, as dtm numbers the steps: 01 the order, 02 the nights. */
export const ORDER_BRANCH = '01'
export const NIGHTS_BRANCH = '02'

/** `YYYY-MM-DD` of a DATE column's value (read and written in UTC). */
export function dateOf(d: Date): string {
  return d.toISOString().slice(0, 10)
}

/** The nights of an order, as travel-rpc's calendar takes them. */
export function nightsOf(order: Pick<HomestayOrder, 'sn' | 'homestayId' | 'liveStartDate' | 'liveEndDate'>): NightsReq {
  return { homestayId: order.homestayId, orderSn: order.sn, startDate: dateOf(order.liveStartDate), endDate: dateOf(order.liveEndDate) }
}

export function encodeOrder(order: PricedOrder & { sn: string }): HomestayOrderSagaReq {
  return { sn: order.sn, order: JSON.stringify(order) }
}

export function decodeOrder(req: HomestayOrderSagaReq): PricedOrder & { sn: string } {
  const o = JSON.parse(req.order) as PricedOrder & { sn: string; liveStartDate: string; liveEndDate: string }
  return { ...o, sn: req.sn, liveStartDate: new Date(o.liveStartDate), liveEndDate: new Date(o.liveEndDate) }
}

/**
 * The booking saga of one order (gid = the order sn): branch 1 on order-rpc inserts the wait-pay order
 * (compensation: cancel it), branch 2 on travel-rpc holds its nights (compensation: release them).
 */
export function bookingSteps(svc: ServiceContext, order: PricedOrder & { sn: string }): SagaStep[] {
  const targets = svc.config.SagaBranches
  return [
    grpcStep(
      targets.Order,
      orderProto,
      orderServiceName,
      { action: 'sagaCreateHomestayOrder', compensate: 'sagaCancelHomestayOrder' },
      encodeOrder(order),
    ),
    grpcStep(
      targets.Travel,
      travelProto,
      travelServiceName,
      { action: 'reserveNights', compensate: 'releaseNights' },
      nightsOf({ ...order }),
    ),
  ]
}

/**
 * Frees an order's nights when it leaves the booked states (cancelled, closed, expired, refunded): the
 * compensation of its saga's branch 2, called by order-rpc itself with the metadata dtm would send, or
 * handed to dtm when travel-rpc cannot be reached. The
 * barrier makes it safe to repeat and to race dtm's own compensation, and if the reservation is still on
 * its way (dtm retrying it) it arrives after this and is skipped, so a cancelled order never holds nights.
 */
export async function releaseOrderNights(svc: ServiceContext, order: HomestayOrder): Promise<void> {
  const nights = nightsOf(order)
  try {
    await svc.travelRpc.releaseNights(nights, {
      metadata: branchMetadata({ gid: order.sn, transType: 'saga', branchId: NIGHTS_BRANCH, op: 'compensate' }),
    })
  } catch (err) {
    if (!(err instanceof CodeError && err.unavailable)) throw err
    // travel-rpc is down: dtm delivers the release when it is back, retrying as long as it takes (a msg
    // transaction, which travel-rpc runs as this same compensation).
    svc.logger.warn({ err, sn: order.sn }, 'travel-rpc unreachable: the release of the nights goes through dtm')
    await svc.dtm.submitMsg(`${order.sn}-release`, [
      grpcAction(svc.config.SagaBranches.Travel, travelProto, travelServiceName, 'releaseNights', nights),
    ])
  }
}
