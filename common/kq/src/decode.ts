import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { PoisonMessageError } from './errors.ts'

/**
 * The decoder behind {@link createConsumer}: the value must be JSON matching `schema`, else the message
 * is poison. Unknown fields are dropped, so a newer producer adding fields does not break us.
 */
export function jsonDecoder<S extends TSchema>(schema: S): (value: Buffer | null) => Static<S> {
  return (value) => {
    if (value === null) throw new PoisonMessageError('message has no value')
    let raw: unknown
    try {
      raw = JSON.parse(value.toString('utf8'))
    } catch (err) {
      throw new PoisonMessageError('message value is not JSON', { cause: err })
    }
    const cleaned = Value.Clean(schema, raw)
    const first = Value.Errors(schema, cleaned).First()
    if (first) throw new PoisonMessageError(`message value is invalid at ${first.path || '/'}: ${first.message}`)
    return cleaned as Static<S>
  }
}
