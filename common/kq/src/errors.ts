/**
 * Thrown by a decoder or a handler for a message that can never succeed (unparseable, failing
 * validation, referring to something that does not exist). The consumer logs it and moves on
 * without retrying, so one bad message never blocks its partition.
 */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError'
}
