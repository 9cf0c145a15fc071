/**
 * Table descriptions: columns in camelCase with their kinds (snake_case in SQL), unique keys, and
 * the cache-key prefixes exactly as goctl generates them.
 */
import { CodeError } from '@looklook/xerr'

/** How a column is represented in TypeScript: `int`/`float` → number, `string` → string, `date` → Date (UTC). */
export type ColumnKind = 'int' | 'float' | 'string' | 'date'

/** Column name (camelCase) → kind. */
export type ColumnKinds = { readonly [column: string]: ColumnKind }

/** The TypeScript type of a column kind. */
export type KindValue<K> = K extends 'date' ? Date : K extends 'string' ? string : K extends 'int' | 'float' ? number : never

/** The columns every looklook table has (doc/framework.md), added to each table automatically. */
export const baseColumns = {
  id: 'int',
  createTime: 'date',
  updateTime: 'date',
  deleteTime: 'date',
  delState: 'int',
  version: 'int',
} as const satisfies ColumnKinds

export type BaseColumns = typeof baseColumns

/** Soft-delete states of `del_state`. */
export const DelState = Object.freeze({ No: 0, Yes: 1 } as const)

/** Names of all columns of a table with business columns `C`. */
export type ColumnName<C extends ColumnKinds> = Extract<keyof BaseColumns | keyof C, string>

/** Unique indexes, each a list of columns in index order (e.g. `[['mobile'], ['authType', 'authKey']]`). */
export type UniqueKeys<C extends ColumnKinds> = readonly (readonly ColumnName<C>[])[]

/** A row with business columns `C`, in camelCase. */
export type RowOfColumns<C extends ColumnKinds> = {
  -readonly [K in ColumnName<C>]: KindValue<K extends keyof BaseColumns ? BaseColumns[K] : C[K]>
}

/** A described table; build it with {@link defineTable}. */
export interface Table<C extends ColumnKinds = ColumnKinds, U extends UniqueKeys<C> = UniqueKeys<C>> {
  /** Database name as goctl saw it (e.g. `looklook_usercenter`); used for cache keys only. */
  readonly database: string
  /** Table name in SQL (e.g. `user_auth`). */
  readonly name: string
  /** Business columns (the base columns are implied). */
  readonly columns: C
  readonly uniqueKeys: U
  /** Every column, base ones first: camelCase name → kind. */
  readonly kinds: ReadonlyMap<string, ColumnKind>
  /** camelCase name → snake_case SQL column. */
  readonly sqlName: ReadonlyMap<string, string>
  /** `` `user_auth` `` */
  readonly sqlTable: string
  /** `` `id`,`create_time`,… `` in the order of {@link Table.kinds}. */
  readonly sqlColumns: string
  /** goctl's key prefix without the column part: `cache:looklookUsercenter:userAuth:`. */
  readonly cachePrefix: string
}

/** The row type of a table: `type User = RowOf<typeof userTable>`. */
export type RowOf<T> = T extends Table<infer C, infer _U> ? RowOfColumns<C> : never

/** The argument of `findOneBy`: exactly the columns of one declared unique key. */
export type UniqueWhere<T> =
  T extends Table<infer C, infer U>
    ? { [I in keyof U]: U[I] extends readonly (infer K extends ColumnName<C>)[] ? Pick<RowOfColumns<C>, K> : never }[number]
    : never

/** Base columns set by the database or the model on insert; the caller may still pass them. */
export type AutoColumn = keyof BaseColumns

/** What `insert` takes: every business column, and optionally the base columns. */
export type InsertData<T> = Omit<RowOf<T>, AutoColumn> & Partial<Pick<RowOf<T>, AutoColumn & keyof RowOf<T>>>

/** goctl's camel case: `looklook_usercenter` → `looklookUsercenter`, `user_auth` → `userAuth`. */
export function goctlCamel(name: string): string {
  const titled = name
    .split('_')
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
  return titled.charAt(0).toLowerCase() + titled.slice(1)
}

/** `homestayBusinessId` → `homestay_business_id`. */
export function toSnake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

function quoteIdent(name: string): string {
  if (!/^[A-Za-z0-9_$]+$/.test(name)) throw new Error(`invalid SQL identifier: ${name}`)
  return `\`${name}\``
}

/**
 * Describes a table. Columns are written in camelCase; their SQL names are the snake_case
 * spelling (`homestayPrice` ↔ `homestay_price`), and the cache keys follow goctl:
 * `cache:<database camel>:<table camel>:id:<id>` and, per unique key,
 * `cache:<database camel>:<table camel>:<col1>:<col2>:<v1>:<v2>`.
 *
 * @example
 * export const userTable = defineTable({
 *   database: 'looklook_usercenter',
 *   table: 'user',
 *   columns: { mobile: 'string', password: 'string', nickname: 'string', sex: 'int', avatar: 'string', info: 'string' },
 *   uniqueKeys: [['mobile']],
 * })
 */
export function defineTable<const C extends ColumnKinds, const U extends UniqueKeys<C>>(def: {
  database: string
  table: string
  columns: C
  uniqueKeys: U
}): Table<C, U> {
  const kinds = new Map<string, ColumnKind>(Object.entries(baseColumns))
  for (const [name, kind] of Object.entries(def.columns)) {
    if (kinds.has(name)) throw new Error(`${def.table}.${name} is a base column and is implied`)
    kinds.set(name, kind)
  }
  for (const key of def.uniqueKeys) {
    if (key.length === 0) throw new Error(`${def.table}: empty unique key`)
    for (const col of key) if (!kinds.has(col)) throw new Error(`${def.table}: unique key column ${col} is not a column`)
  }
  const sqlName = new Map([...kinds.keys()].map((name) => [name, toSnake(name)]))
  return {
    database: def.database,
    name: def.table,
    columns: def.columns,
    uniqueKeys: def.uniqueKeys,
    kinds,
    sqlName,
    sqlTable: quoteIdent(def.table),
    sqlColumns: [...sqlName.values()].map(quoteIdent).join(','),
    cachePrefix: `cache:${goctlCamel(def.database)}:${goctlCamel(def.table)}:`,
  }
}

/** A row as a plain record, the form the generic code works on. */
export type AnyRow = Record<string, unknown>

/** Converts one driver value to its column kind; a BIGINT beyond 2^53 is an error, never a rounded number. */
function fromDb(table: Table, column: string, kind: ColumnKind, value: unknown): unknown {
  switch (kind) {
    case 'int': {
      const n = typeof value === 'number' ? value : Number(value)
      if (!Number.isSafeInteger(n)) throw CodeError.db(new Error(`${table.name}.${column}: ${String(value)} is not a safe integer`))
      return n
    }
    case 'float':
      return typeof value === 'number' ? value : Number(value)
    case 'string':
      return Buffer.isBuffer(value) ? value.toString('utf8') : String(value ?? '')
    case 'date':
      return value instanceof Date ? value : new Date(String(value))
  }
}

/** Maps a result row (snake_case keys) to a camelCase row. */
export function rowFromDb(table: Table, dbRow: AnyRow): AnyRow {
  const row: AnyRow = {}
  for (const [name, kind] of table.kinds) row[name] = fromDb(table, name, kind, dbRow[table.sqlName.get(name) ?? name])
  return row
}

/** Serialises a row for the cache (dates as ISO strings). */
export function encodeRow(row: AnyRow): string {
  return JSON.stringify(row)
}

/** Reads a cached row back; undefined when the text does not have this table's shape. */
export function decodeRow(table: Table, text: string): AnyRow | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const src = parsed as AnyRow
  const row: AnyRow = {}
  for (const [name, kind] of table.kinds) {
    const v = src[name]
    if (kind === 'date') {
      if (typeof v !== 'string') return undefined
      row[name] = new Date(v)
    } else if (kind === 'string') {
      if (typeof v !== 'string') return undefined
      row[name] = v
    } else {
      if (typeof v !== 'number') return undefined
      row[name] = v
    }
  }
  return row
}

/** Formats a value for a cache key the way Go's `%v` does for strings and integers. */
export function keyPart(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value)
}
