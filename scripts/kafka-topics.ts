// Waits until the local Kafka broker answers admin requests, then creates the project's topics.
// usage: node scripts/kafka-topics.ts <broker> <topics-file> [timeout-seconds]
// Users of the Go original trip over topics that do not exist yet, so `./looklook up` creates them
// instead of relying on auto-creation by the first producer.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { Kafka, logLevel } from 'kafkajs'

interface TopicSpec {
  topic: string
  numPartitions: number
}

/** Reads `name [partitions]` lines; `#` starts a comment. */
function readTopics(file: string): TopicSpec[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [topic = '', partitions = '1'] = line.split(/\s+/)
      const numPartitions = Number(partitions)
      if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new Error(`${file}: bad partition count in "${line}"`)
      return { topic, numPartitions }
    })
}

async function main(): Promise<void> {
  const [broker = '127.0.0.1:9092', file = 'deploy/kafka/topics.txt', timeoutArg = '60'] = process.argv.slice(2)
  const topics = readTopics(file)
  const deadline = Date.now() + Number(timeoutArg) * 1000
  const kafka = new Kafka({ clientId: 'looklook-setup', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
  const admin = kafka.admin()

  // The TCP port opens before the controller has elected itself and the broker is registered; only a
  // metadata answer says the broker can serve requests.
  let lastError: unknown
  for (;;) {
    try {
      await admin.connect()
      await admin.listTopics()
      break
    } catch (err) {
      lastError = err
      await admin.disconnect().catch(() => undefined)
      if (Date.now() > deadline) throw new Error(`Kafka at ${broker} did not answer admin requests: ${String(lastError)}`)
      await sleep(500)
    }
  }

  try {
    const existing = new Set(await admin.listTopics())
    const missing = topics.filter((t) => !existing.has(t.topic))
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing.map((t) => ({ ...t, replicationFactor: 1 })), waitForLeaders: true })
      console.log(`created topics: ${missing.map((t) => t.topic).join(', ')}`)
    }
    // The group coordinator lives on __consumer_offsets, which the broker creates on the first
    // coordinator lookup; doing that here means the services' consumers join at once instead of
    // retrying "coordinator not available" after a fresh start.
    for (;;) {
      try {
        await admin.describeGroups(['looklook-setup'])
        break
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`Kafka at ${broker} has no group coordinator: ${String(err)}`)
        await sleep(500)
      }
    }
  } finally {
    await admin.disconnect()
  }
}

await main()
