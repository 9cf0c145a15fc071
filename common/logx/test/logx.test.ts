import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { createLogger } from '../src/index.ts'

function capture() {
  const lines: Array<Record<string, unknown>> = []
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l))
      cb()
    },
  })
  return { lines, destination }
}

test('lines carry go-zero logx field names', () => {
  const { lines, destination } = capture()
  const log = createLogger({ service: 'order-api', destination })
  log.info({ sn: 'HSO1' }, 'order created')
  const line = lines[0]!
  assert.equal(line.content, 'order created')
  assert.equal(line.level, 'info')
  assert.equal(line.service, 'order-api')
  assert.equal(line.sn, 'HSO1')
  assert.ok(!Number.isNaN(Date.parse(String(line['@timestamp']))))
  assert.equal('msg' in line, false)
  assert.equal('time' in line, false)
})

test('warnings and errors carry the caller', () => {
  const { lines, destination } = capture()
  const log = createLogger({ service: 'x', destination })
  log.error({ err: new Error('boom') }, 'failed')
  assert.equal(lines[0]!.level, 'error')
  assert.match(String(lines[0]!.caller), /logx\.test\.ts:\d+$/)
})

test('the level filters', () => {
  const { lines, destination } = capture()
  const log = createLogger({ service: 'x', level: 'warn', destination })
  log.info('hidden')
  log.warn('shown')
  assert.deepEqual(
    lines.map((l) => l.content),
    ['shown'],
  )
})
