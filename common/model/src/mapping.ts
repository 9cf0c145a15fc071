/**
 * One way from a row to a message and from a message to a view: copy every field the target
 * declares, by name, and write out only the fields whose value differs (fen → yuan, dates → unix
 * seconds). The target's fields come from its contract at run time — the `.proto` message or the
 * TypeBox schema — so a field added there and to the DDL reaches the answer without mapping code.
 */

/**
 * The largest page a listing returns (`CachedModel.findPageByIdDesc` clamps to it); the apis'
 * request schemas bound their page sizes with it.
 */
export const MAX_PAGE_SIZE = 100

/** The field names of a message type `M`, in declaration order; build it with {@link protoFields} or {@link schemaFields}. */
export type MessageFields<M> = readonly (keyof M & string)[] & { readonly __message?: M }

interface FieldDescriptor {
  name: string
}

/**
 * The fields of the message `fullName` (e.g. `pb.Homestay`) of a loaded proto
 * (`loadProto(travelProto)` from @looklook/zrpc); `M` is its generated interface.
 *
 * @example
 * const homestayFields = protoFields<Homestay>(loadProto(travelProto), 'pb.Homestay')
 */
export function protoFields<M>(pkg: { readonly [name: string]: unknown }, fullName: string): MessageFields<M> {
  const def = pkg[fullName] as { format?: unknown; type?: { field?: FieldDescriptor[] } } | undefined
  if (typeof def?.format !== 'string' || !def.format.endsWith('DescriptorProto') || !def.type?.field) {
    throw new Error(`no message ${fullName} in the proto`)
  }
  return Object.freeze(def.type.field.map((f) => f.name)) as MessageFields<M>
}

/** The properties of a TypeBox object schema, typed as its static type. */
export function schemaFields<M>(schema: { readonly properties: object; readonly static: M }): MessageFields<M> {
  return Object.freeze(Object.keys(schema.properties)) as MessageFields<M>
}

/**
 * The message `M` of `source`: each of `fields` copied from the source field of the same name,
 * except those given in `convert`. The types make the source carry every other field with the
 * message's type; a field still missing at run time (a source typed too loosely) is an error, never
 * a silent zero.
 *
 * @example
 * toMessage(homestayViewFields, homestay, { homestayPrice: fenToYuan(homestay.homestayPrice) })
 */
export function toMessage<M, K extends keyof M = never>(fields: MessageFields<M>, source: Omit<M, K>, convert?: Pick<M, K>): M {
  const from = source as Record<string, unknown>
  const given = (convert ?? {}) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    const value = Object.hasOwn(given, field) ? given[field] : from[field]
    if (value === undefined) throw new Error(`toMessage: the source has no field ${field}`)
    out[field] = value
  }
  return out as M
}
