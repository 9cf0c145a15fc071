// A connected kafkajs client must be quiet when it has nothing to do. kafkajs 2.2.4 re-armed its request
// queue's throttle check with a negative delay (run after 1 ms) forever, a 1 ms timer loop per broker
// connection that cost every Kafka-using process several percent of a core while idle;
// patches/kafkajs@2.2.4.patch stops it. The check counts the timers created while the client idles.
import assert from 'node:assert/strict'
import { createHook } from 'node:async_hooks'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Kafka, logLevel } from 'kafkajs'
import { BROKERS } from './helpers.ts'

const kafka = new Kafka({ clientId: 'kq-idle-test', brokers: BROKERS, logLevel: logLevel.NOTHING })
const admin = kafka.admin()
after(() => admin.disconnect())

test('an idle connected client creates next to no timers', async () => {
  await admin.connect()
  // A few requests, so the request queues of the connections have sent and fulfilled something.
  await admin.listTopics()
  await admin.describeCluster()
  await sleep(200)

  let timers = 0
  const hook = createHook({
    init(_id, type) {
      if (type === 'Timeout') timers++
    },
  }).enable()
  try {
    await sleep(1000)
  } finally {
    hook.disable()
  }
  // The sleep itself is one timer; the unpatched queue made about 1000 per connection in this second.
  assert.ok(timers < 20, `${timers} timers created in 1 s of idling`)
})
