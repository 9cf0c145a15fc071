import { mapReduce } from '@looklook/core'
import { HomestayActivityType, HomestayRowState } from '@looklook/travel-model'
import type { RpcContext } from '@looklook/zrpc'
import type { Homestay, HomestayListResp, PreferredHomestayListReq } from '../../gen/travel.ts'
import { toPbHomestay } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * The preferred-homestay activity, one page at a time: the activity table gives the ids, then the
 * rows are read concurrently through the model cache (the Go original's mr.MapReduce over FindOne),
 * so a hot list page costs one small index query plus Redis reads.
 */
export async function preferredHomestayList(
  svc: ServiceContext,
  req: PreferredHomestayListReq,
  ctx: RpcContext,
): Promise<HomestayListResp> {
  const ids = await svc.homestayActivityModel.findHomestayIdsPage(HomestayActivityType.preferredHomestay, req.page, req.pageSize)
  const list = await mapReduce(
    ids,
    async (id) => {
      const h = await svc.homestayModel.findOne(id)
      // Taken off sale (or deleted) between the two reads: leave it out rather than list an unbookable row.
      if (!h || h.rowState !== HomestayRowState.onSale) {
        ctx.logger.info({ homestayId: id }, 'preferred homestay no longer on sale')
        return undefined
      }
      return toPbHomestay(h)
    },
    (homestays: Homestay[]) => homestays,
  )
  return { list }
}
