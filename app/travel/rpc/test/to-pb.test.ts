// Rows to messages through the one mapping helper: the fields come from travel.proto at run time.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { protoFields, toMessage } from '@looklook/model'
import type { Homestay as HomestayRow } from '@looklook/travel-model'
import { loadProto } from '@looklook/zrpc'
import { type Homestay, travelProto } from '../gen/travel.ts'
import { toPbHomestay } from '../src/logic/to-pb.ts'

const row: HomestayRow = {
  id: 7,
  createTime: new Date('2026-01-02T03:04:05Z'),
  updateTime: new Date('2026-01-02T03:04:05Z'),
  deleteTime: new Date('1970-01-01T08:00:00Z'),
  delState: 0,
  version: 3,
  title: 'Sea view',
  subTitle: 'two rooms',
  banner: 'a.jpg,b.jpg',
  info: 'quiet',
  peopleNum: 4,
  homestayBusinessId: 11,
  userId: 12,
  rowState: 1,
  rowType: 0,
  foodInfo: 'breakfast',
  foodPrice: 1500,
  homestayPrice: 39900,
  marketHomestayPrice: 45000,
}

test('toPbHomestay copies exactly the fields the proto message declares', () => {
  const msg = toPbHomestay(row)
  const fields = protoFields<Homestay>(loadProto(travelProto), 'pb.Homestay')
  assert.deepEqual(Object.keys(msg), [...fields])
  assert.equal(msg.homestayPrice, 39900)
  assert.equal(msg.title, 'Sea view')
  // Row-only columns (times, version) are not part of the message.
  assert.equal('createTime' in msg, false)
  assert.equal('version' in msg, false)
})

test('a converted field replaces the source value; a field the source lacks is an error', () => {
  const fields = protoFields<Homestay>(loadProto(travelProto), 'pb.Homestay')
  assert.equal(toMessage(fields, row, { foodPrice: 0 }).foodPrice, 0)
  const { info: _info, ...partial } = row
  assert.throws(() => toMessage(fields, partial as HomestayRow), /the source has no field info/)
})

test('protoFields names a message the proto does not have', () => {
  assert.throws(() => protoFields(loadProto(travelProto), 'pb.Nope'), /no message pb\.Nope/)
  assert.throws(() => protoFields(loadProto(travelProto), 'pb.travel'), /no message pb\.travel/)
})
