/**
 * {{name}}-api end to end, through the nginx gateway (LOOKLOOK_GATEWAY, :8888 by default) to
 * {{name}}-rpc and MariaDB: the authed route needs a real token and answers for its user, the public
 * route answers anyone.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { post, registerUser } from '@looklook/testkit'
import type { CreateItemResp, ItemDetailResp } from '../src/schemas/item.ts'

interface UserInfo {
  userInfo: { id: number }
}

test('create needs a token, answers for its user, and the public detail reads the item back', async () => {
  const title = `item ${randomUUID().slice(0, 8)}`
  const anonymous = await post('/{{name}}/v1/item/create', { title })
  assert.equal(anonymous.status, 401, anonymous.text)

  const user = await registerUser()
  const me = await post<UserInfo>('/usercenter/v1/user/detail', {}, { token: user.accessToken })
  assert.equal(me.status, 200, me.text)
  const userId = me.body.data!.userInfo.id

  const created = await post<CreateItemResp>('/{{name}}/v1/item/create', { title }, { token: user.accessToken })
  assert.equal(created.status, 200, created.text)
  assert.equal(created.body.data?.userId, userId)

  const detail = await post<ItemDetailResp>('/{{name}}/v1/item/detail', { id: created.body.data!.id })
  assert.equal(detail.status, 200, detail.text)
  assert.deepEqual(detail.body.data?.item, { id: created.body.data!.id, userId, title })
})

test('a bad request is refused with 100002', async () => {
  const res = await post('/{{name}}/v1/item/detail', { id: 'one' })
  assert.equal(res.status, 400, res.text)
  assert.equal(res.body.code, 100002)
})
