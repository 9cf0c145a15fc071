import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CodeError, ErrCode, toCodeError } from '../src/index.ts'

test('a cause marks an internal failure unless said otherwise', () => {
  assert.equal(new CodeError(ErrCode.DB_ERROR, undefined, { cause: new Error('sql') }).internal, true)
  assert.equal(new CodeError(ErrCode.SERVER_COMMON_ERROR, 'order does not exist').internal, false)
  assert.equal(new CodeError(100001, 'refused', { cause: new Error('grpc'), internal: false }).internal, false)
  assert.equal(CodeError.param('bad mobile', new Error('detail')).internal, false)
  assert.equal(CodeError.db(new Error('down')).internal, true)
})

test('unknown errors become 100001 keeping the cause', () => {
  const cause = new Error('SELECT secret')
  const e = toCodeError(cause)
  assert.equal(e.code, ErrCode.SERVER_COMMON_ERROR)
  assert.equal(e.cause, cause)
  assert.doesNotMatch(e.message, /SELECT/)
})
