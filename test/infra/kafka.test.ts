// The KRaft broker as ./looklook up leaves it: the project's topics exist, and a consumer group gets a
// coordinator on a single node (offsets.topic.replication.factor=1) and receives what was produced.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'

const kafka = new Kafka({ clientId: 'infra-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING })

test('every topic in deploy/kafka/topics.txt exists', async () => {
  const listed = readFileSync(join(import.meta.dirname, '../../deploy/kafka/topics.txt'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0] ?? '')
    .filter((t) => t !== '')
  assert.ok(listed.includes('payment-update-paystatus-topic'))
  assert.ok(listed.includes('send-wx-mini-tpl-message'))
  assert.ok(listed.includes('looklook-log'))
  const admin = kafka.admin()
  await admin.connect()
  try {
    const topics = await admin.listTopics()
    for (const t of listed) assert.ok(topics.includes(t), `topic ${t} missing; broker has ${topics.join(', ')}`)
  } finally {
    await admin.disconnect()
  }
})

test('a consumer group receives a produced message', async () => {
  const id = randomBytes(5).toString('hex')
  const topic = `infra-test-${id}`
  const admin = kafka.admin()
  const producer = kafka.producer()
  const consumer = kafka.consumer({ groupId: `infra-test-group-${id}` })
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })
    await producer.connect()
    await producer.send({ topic, messages: [{ key: id, value: JSON.stringify({ id }) }] })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const received = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 30 s')), 30_000)
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer)
          resolve(message.value?.toString() ?? '')
        },
      })
    })
    assert.deepEqual(JSON.parse(received), { id })
  } finally {
    await consumer.disconnect()
    await producer.disconnect()
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined)
    await admin.disconnect()
  }
})
