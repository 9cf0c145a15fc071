/**
 * Flattens a `Brokers` config list whose entries may each hold several comma-separated
 * addresses, so `${KAFKA_BROKERS}` can be set to `k1:9092,k2:9092` in one environment variable.
 */
export function splitBrokers(brokers: readonly string[]): string[] {
  return brokers
    .flatMap((b) => b.split(','))
    .map((b) => b.trim())
    .filter((b) => b !== '')
}
