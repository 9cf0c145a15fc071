import { rollbackReasonOf } from '@looklook/dtm'
import { NeedFood, TradeState } from '@looklook/order-model'
import { TravelRefusals } from '@looklook/travel-rpc/contract'
import { UsercenterRefusals } from '@looklook/usercenter-rpc/contract'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { CreateHomestayOrderReq, CreateHomestayOrderResp } from '../../gen/order.ts'
import { OrderRefusals } from '../contract.ts'
import { bookingSteps } from '../logic/booking-saga.ts'
import { dayOf, dayToDate } from '../logic/dates.ts'
import { priceOrder } from '../logic/pricing.ts'
import { newOrderSn, newTradeCode } from '../logic/sn.ts'
import type { ServiceContext } from '../svc-context.ts'
import { updateHomestayOrderTradeState } from './update-homestay-order-trade-state.ts'

/** Longest stay one order books. */
export const MAX_LIVE_DAYS = 365
/** How far ahead (in days from today) a stay may start. */
export const MAX_DAYS_AHEAD = 365
/** `homestay_order.remark varchar(64)`. */
export const MAX_REMARK_CHARS = 64
/** `homestay.row_state` of a homestay that can be booked. */
const ON_SALE = 1
/** A clash of the random part of the sn is rare; a few fresh numbers always resolve it. */
const SN_ATTEMPTS = 3
/** 9999-12-31T23:59:59Z: the last instant a DATE column (and date formatting) can hold. */
const MAX_UNIX_SECONDS = 253_402_300_799

function positiveInt(value: number, name: string, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw CodeError.param(`${name} must be an integer from 1 to ${max}`)
}

async function userExists(svc: ServiceContext, userId: number): Promise<boolean> {
  try {
    const { user } = await svc.usercenterRpc.getUserInfo({ id: userId })
    return !!user && user.id === userId
  } catch (err) {
    // usercenter-rpc answers an unknown id with its "user does not exist" refusal; anything else is an outage.
    if (err instanceof CodeError && !err.unavailable && !err.internal) return false
    throw err
  }
}

/**
 * Books a homestay (doc/order.md, Creating an order): checks the stay and the homestay, prices it from travel-rpc's
 * current prices, then runs the booking saga on dtm (doc/transactions.md) — order-rpc stores the order with a
 * snapshot of the homestay, travel-rpc holds its nights — and schedules the close job. Nights another order
 * holds roll the saga back (the order is cancelled) and answer HOMESTAY_NIGHTS_TAKEN.
 *
 * Scheduling is best effort, as in the Go original: the order is already committed, and failing
 * the call would leave the guest with an order they were told does not exist. A lost close job is
 * caught by mqueue-scheduler's sweep, which cancels wait-pay orders older than the close delay, so
 * a failure here is logged and the order kept.
 */
export async function createHomestayOrder(
  svc: ServiceContext,
  req: CreateHomestayOrderReq,
  ctx: RpcContext,
): Promise<CreateHomestayOrderResp> {
  const zone = svc.config.TimeZone
  positiveInt(req.userId, 'userId')
  positiveInt(req.homestayId, 'homestayId')
  positiveInt(req.liveStartTime, 'liveStartTime', MAX_UNIX_SECONDS)
  positiveInt(req.liveEndTime, 'liveEndTime', MAX_UNIX_SECONDS)
  positiveInt(req.livePeopleNum, 'livePeopleNum')
  if ([...req.remark].length > MAX_REMARK_CHARS) throw CodeError.param(`remark must be at most ${MAX_REMARK_CHARS} characters`)

  // Nights are counted between calendar days, so a 15:00 check-in and an 11:00 check-out the
  // next day are one night (the Go original's (end-start)/86400 made that stay free).
  const startDay = dayOf(req.liveStartTime, zone)
  const endDay = dayOf(req.liveEndTime, zone)
  const liveDays = endDay - startDay
  const today = dayOf(Math.floor(Date.now() / 1000), zone)
  if (liveDays < 1) throw CodeError.param('the stay must be at least one night: the end date must be after the start date')
  if (liveDays > MAX_LIVE_DAYS) throw CodeError.param(`a stay can be at most ${MAX_LIVE_DAYS} nights`)
  if (startDay < today) throw CodeError.param('the start date cannot be in the past')
  if (startDay > today + MAX_DAYS_AHEAD) throw CodeError.param(`the start date can be at most ${MAX_DAYS_AHEAD} days ahead`)

  // The user may have been removed since their token was issued: no orders for a user who is gone.
  const [{ homestay }, exists] = await Promise.all([svc.travelRpc.homestayDetail({ id: req.homestayId }), userExists(svc, req.userId)])
  if (!exists) throw UsercenterRefusals.USER_NOT_FOUND()
  if (!homestay || homestay.id === 0) throw TravelRefusals.HOMESTAY_NOT_FOUND()
  if (homestay.rowState !== ON_SALE) throw OrderRefusals.HOMESTAY_OFF_SALE()
  if (req.livePeopleNum > homestay.peopleNum) {
    throw CodeError.param(`livePeopleNum must be between 1 and ${homestay.peopleNum} for this homestay`)
  }

  const price = priceOrder(homestay, liveDays, req.livePeopleNum, req.isFood)
  const order = {
    userId: req.userId,
    homestayId: homestay.id,
    title: homestay.title,
    subTitle: homestay.subTitle,
    cover: homestay.banner.split(',')[0]?.trim() ?? '',
    info: homestay.info,
    peopleNum: homestay.peopleNum,
    rowType: homestay.rowType,
    needFood: req.isFood ? NeedFood.yes : NeedFood.no,
    foodInfo: homestay.foodInfo,
    foodPrice: homestay.foodPrice,
    homestayPrice: homestay.homestayPrice,
    marketHomestayPrice: homestay.marketHomestayPrice,
    homestayBusinessId: homestay.homestayBusinessId,
    homestayUserId: homestay.userId,
    liveStartDate: dayToDate(startDay),
    liveEndDate: dayToDate(endDay),
    livePeopleNum: req.livePeopleNum,
    tradeState: TradeState.waitPay,
    tradeCode: newTradeCode(),
    remark: req.remark,
    ...price,
  }

  // The saga's gid is the order sn: the order, its barrier rows and its transaction in dtm share one name.
  let sn = ''
  for (let attempt = 1; !sn; attempt++) {
    const candidate = newOrderSn(zone)
    const outcome = await svc.dtm.submitSaga(candidate, bookingSteps(svc, { ...order, sn: candidate }))
    if (outcome.status === 'succeed') {
      sn = candidate
    } else if (outcome.status === 'pending') {
      // dtm is still retrying a branch that did not answer (travel-rpc down). The guest is told to try again,
      // so this order must not stay behind, unconfirmed yet payable: it is cancelled now, which releases
      // whatever it holds and, through the barrier, blocks the reservation still on its way.
      await abandonBooking(svc, candidate, ctx)
      throw new CodeError(ErrCode.SERVER_COMMON_ERROR, 'the booking could not be confirmed, please try again', {
        unavailable: true,
        cause: new Error(`booking saga ${candidate} not finished in time`),
      })
    } else {
      const reason = rollbackReasonOf(outcome.rollbackReason)
      if (reason === TravelRefusals.HOMESTAY_NIGHTS_TAKEN.reason) throw TravelRefusals.HOMESTAY_NIGHTS_TAKEN()
      if (reason !== OrderRefusals.ORDER_SN_TAKEN.reason || attempt >= SN_ATTEMPTS) {
        throw CodeError.common(undefined, new Error(`booking saga ${candidate} rolled back: ${outcome.rollbackReason}`))
      }
    }
  }

  await scheduleClose(svc, sn, ctx)
  return { sn }
}

/** Cancels the order of a saga the guest was told failed; if that fails too, the close job is its safety net. */
async function abandonBooking(svc: ServiceContext, sn: string, ctx: RpcContext): Promise<void> {
  try {
    await updateHomestayOrderTradeState(svc, { sn, tradeState: TradeState.cancelled })
    return
  } catch (err) {
    // ORDER_NOT_FOUND: order-rpc's own branch has not run yet; if it runs later, the close job cancels that order.
    if (!(err instanceof CodeError && err.reason === OrderRefusals.ORDER_NOT_FOUND.reason)) {
      ctx.logger.error({ err, sn }, 'cancelling the order of an unfinished booking saga failed; its close job cancels it')
    }
  }
  await scheduleClose(svc, sn, ctx)
}

async function scheduleClose(svc: ServiceContext, sn: string, ctx: RpcContext): Promise<void> {
  try {
    await svc.mqueueRpc.aqDeferHomestayOrderClose({ sn })
  } catch (err) {
    ctx.logger.error({ err, sn }, 'scheduling the order close job failed; the scheduler sweep will cancel the order if it stays unpaid')
  }
}
