import { protoFields, toMessage } from '@looklook/model'
import {
  type HomestayBusiness as HomestayBusinessRow,
  type HomestayComment as HomestayCommentRow,
  type Homestay as HomestayRow,
  overallStar,
} from '@looklook/travel-model'
import { loadProto } from '@looklook/zrpc'
import { type Homestay, type HomestayBusiness, type HomestayComment, travelProto } from '../../gen/travel.ts'

// The fields come from travel.proto itself: a column added to the DDL and to the message reaches
// the answer without an edit here.
const proto = loadProto(travelProto)
const homestayFields = protoFields<Homestay>(proto, 'pb.Homestay')
const businessFields = protoFields<HomestayBusiness>(proto, 'pb.HomestayBusiness')
const commentFields = protoFields<HomestayComment>(proto, 'pb.HomestayComment')

/** A homestay row as the proto message; the two line up field by field (prices in fen on both). */
export function toPbHomestay(row: HomestayRow): Homestay {
  return toMessage(homestayFields, row)
}

/** A shop row as the proto message (the licence columns are not in it). */
export function toPbBusiness(row: HomestayBusinessRow): HomestayBusiness {
  return toMessage(businessFields, row)
}

/** A comment row as the proto message: the stored per-dimension ratings become one overall star. */
export function toPbComment(row: HomestayCommentRow): HomestayComment {
  return toMessage(commentFields, row, { star: overallStar(row.star) })
}
