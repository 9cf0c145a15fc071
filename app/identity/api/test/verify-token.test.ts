import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isPublicPath, tokenFrom } from '../src/logic/verify-token.ts'

const noAuth = ['/usercenter/v1/user/login', '/travel/']

test('public paths: exact entries and prefixes ending in /', () => {
  assert.equal(isPublicPath(noAuth, '/usercenter/v1/user/login'), true)
  assert.equal(isPublicPath(noAuth, '/usercenter/v1/user/login/extra'), false)
  assert.equal(isPublicPath(noAuth, '/usercenter/v1/user/loginx'), false)
  assert.equal(isPublicPath(noAuth, '/travel/v1/homestay/homestayList'), true)
  assert.equal(isPublicPath(noAuth, '/travelx/v1'), false)
  assert.equal(isPublicPath(noAuth, '/order/v1/homestayOrder/createHomestayOrder'), false)
})

test('Authorization with and without Bearer', () => {
  assert.equal(tokenFrom(undefined), '')
  assert.equal(tokenFrom('abc.def.ghi'), 'abc.def.ghi')
  assert.equal(tokenFrom('Bearer abc.def.ghi'), 'abc.def.ghi')
  assert.equal(tokenFrom('bearer   abc.def.ghi '), 'abc.def.ghi')
})
