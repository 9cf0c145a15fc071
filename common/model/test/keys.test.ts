import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Redis } from 'ioredis'
import { Cache, defineModel, defineTable, goctlCamel, SqlConn, toSnake } from '../src/index.ts'
import { createPool } from '../src/sql.ts'

// The usercenter tables as goctl would see them; cacheKeys/primaryKey never touch MySQL or Redis.
const userTable = defineTable({
  database: 'looklook_usercenter',
  table: 'user',
  columns: { mobile: 'string', password: 'string', nickname: 'string', sex: 'int', avatar: 'string', info: 'string' },
  uniqueKeys: [['mobile']],
})
const userAuthTable = defineTable({
  database: 'looklook_usercenter',
  table: 'user_auth',
  columns: { userId: 'int', authKey: 'string', authType: 'string' },
  uniqueKeys: [
    ['authType', 'authKey'],
    ['userId', 'authType'],
  ],
})

function offlineModels() {
  // A pool that is never used (mysql2 connects lazily) and a stand-in Redis that is never called.
  const db = new SqlConn(createPool({ DataSource: 'mysql://u:p@127.0.0.1:1/none', PoolSize: 1 }))
  const cache = new Cache({} as Redis)
  const User = defineModel(userTable)
  const UserAuth = defineModel(userAuthTable)
  return { db, user: new User(db, cache), userAuth: new UserAuth(db, cache) }
}

test('cache keys are exactly goctl’s', async () => {
  const { db, user, userAuth } = offlineModels()
  try {
    assert.equal(user.primaryKey(1), 'cache:looklookUsercenter:user:id:1')
    assert.deepEqual(user.cacheKeys({ id: 1, mobile: '13800000000' }), [
      'cache:looklookUsercenter:user:id:1',
      'cache:looklookUsercenter:user:mobile:13800000000',
    ])
    // goctl joins the camel-cased column names, then the values, each with ':' (keys.go genCacheKey).
    assert.deepEqual(userAuth.cacheKeys({ id: 7, userId: 3, authType: 'system', authKey: '13800000000' }), [
      'cache:looklookUsercenter:userAuth:id:7',
      'cache:looklookUsercenter:userAuth:authType:authKey:system:13800000000',
      'cache:looklookUsercenter:userAuth:userId:authType:3:system',
    ])
    // A unique key with a missing column is skipped rather than producing "undefined" in a key.
    assert.deepEqual(userAuth.cacheKeys({ id: 7, authType: 'system' }), ['cache:looklookUsercenter:userAuth:id:7'])
  } finally {
    await db.close()
  }
})

test('name conversions match goctl and the snake_case schema', () => {
  assert.equal(goctlCamel('looklook_usercenter'), 'looklookUsercenter')
  assert.equal(goctlCamel('homestay_activity'), 'homestayActivity')
  assert.equal(goctlCamel('user'), 'user')
  assert.equal(toSnake('homestayBusinessId'), 'homestay_business_id')
  assert.equal(toSnake('delState'), 'del_state')
  assert.equal(
    userAuthTable.sqlColumns,
    '`id`,`create_time`,`update_time`,`delete_time`,`del_state`,`version`,`user_id`,`auth_key`,`auth_type`',
  )
})

test('a table definition rejects unknown unique columns and redeclared base columns', () => {
  assert.throws(
    () => defineTable({ database: 'd', table: 't', columns: { a: 'int' }, uniqueKeys: [['b' as 'a']] }),
    /unique key column b is not a column/,
  )
  assert.throws(() => defineTable({ database: 'd', table: 't', columns: { version: 'int' }, uniqueKeys: [] }), /base column/)
})

test('the DataSource must be a mysql:// URL with a database', () => {
  assert.throws(() => createPool({ DataSource: 'root:pw@tcp(mysql:3306)/db', PoolSize: 1 }), /mysql:\/\/user:pass@host:port\/db/)
  assert.throws(() => createPool({ DataSource: 'postgres://u:p@h:1/db', PoolSize: 1 }), /got the scheme postgres:/)
  assert.throws(() => createPool({ DataSource: 'mysql://u:p@h:1/', PoolSize: 1 }), /no database named/)
})
