// Validates OpenAPI documents against the official OpenAPI 3.x JSON Schemas (also used by test/docs).
import { Validator } from '@seriousme/openapi-schema-validator'

/** The validator's errors for a document, or an empty list when it is valid OpenAPI. */
export async function openApiErrors(doc: unknown): Promise<unknown[]> {
  if (typeof doc !== 'object' || doc === null) return ['not a JSON object']
  // The validator keeps a reference to what it checked; a copy leaves the caller's object alone.
  const result = await new Validator().validate(structuredClone(doc) as Record<string, unknown>)
  if (result.valid) return []
  return Array.isArray(result.errors) ? result.errors : [result.errors]
}
