import { protoFields, toMessage } from '@looklook/model'
import type { Homestay as HomestayRow } from '@looklook/travel-model'
import { loadProto } from '@looklook/zrpc'
import { type Homestay, travelProto } from '../../gen/travel.ts'

// The fields come from travel.proto itself: a column added to the DDL and to the message reaches
// the answer without an edit here.
const homestayFields = protoFields<Homestay>(loadProto(travelProto), 'pb.Homestay')

/** A homestay row as the proto message; the two line up field by field (prices in fen on both). */
export function toPbHomestay(row: HomestayRow): Homestay {
  return toMessage(homestayFields, row)
}
