/**
 * The model base, go-zero's `sqlc.CachedConn` plus the looklook goctl template's methods
 * (FindOne/FindOneByX through the cache, Insert, Update, UpdateWithVersion, DeleteSoft, keyset
 * paging, Trans), generic over a {@link Table} description.
 */
import { CodeError, ErrCode } from '@looklook/xerr'
import type { Cache, Codec } from './cache.ts'
import { MAX_PAGE_SIZE } from './mapping.ts'
import type { ExecResult, Queryer, SqlConn, SqlValue, Tx } from './sql.ts'
import {
  type AnyRow,
  DelState,
  decodeRow,
  encodeRow,
  type InsertData,
  keyPart,
  type RowOf,
  rowFromDb,
  type Table,
  type UniqueWhere,
} from './table.ts'

/** A filter fragment for list queries: `where` is SQL written by the model author (never user text), `args` its values. */
export interface Filter {
  where?: string
  args?: readonly SqlValue[]
}

export interface ListQuery extends Filter {
  /** SQL ORDER BY body; default `id DESC`. */
  orderBy?: string
  limit?: number
}

export interface PageQuery extends Filter {
  /** The smallest id of the previous page; 0 starts from the newest row. */
  lastId: number
  /** 1..{@link MAX_PAGE_SIZE}; larger values are clamped to {@link MAX_PAGE_SIZE}. */
  pageSize: number
}

/** Options of {@link CachedModel.exec}. */
export interface ExecOptions {
  tx?: Tx
  /** Cache keys the statement makes stale (see {@link CachedModel.cacheKeys}); deleted after the write (after COMMIT in a transaction). */
  invalidate?: readonly string[]
}

const UPDATE_SKIPPED = new Set(['id', 'createTime', 'updateTime', 'version'])

function sqlArg(column: string, value: unknown): SqlValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return value
  }
  if (value instanceof Date || Buffer.isBuffer(value)) return value
  throw new TypeError(`column ${column}: cannot bind a value of type ${typeof value}`)
}

function affectedZero(table: string, detail: string): CodeError {
  return new CodeError(ErrCode.DB_UPDATE_AFFECTED_ZERO_ERROR, undefined, { cause: new Error(`${table}: ${detail}`) })
}

/**
 * Cached access to one table. Reads by primary key and by unique key go through Redis
 * (read-through, singleflight, not-found placeholder); writes delete every cache key of the
 * row's old and new versions. Soft-deleted rows (`del_state = 1`) are invisible to every find.
 *
 * Every method takes an optional {@link Tx}: inside a transaction, statements run on the
 * transaction's connection, reads bypass the cache (they must see the transaction's own writes
 * and must not cache uncommitted rows), and cache deletes wait for COMMIT.
 *
 * Table files extend the class returned by {@link defineModel} rather than this class directly.
 */
export class CachedModel<T extends Table> {
  readonly table: T
  readonly db: SqlConn
  readonly cache: Cache
  /** `SELECT <all columns> FROM <table>` — the start of hand-written queries for {@link CachedModel.queryRows}. */
  readonly selectSql: string
  readonly #codec: Codec<AnyRow>

  constructor(table: T, db: SqlConn, cache: Cache) {
    this.table = table
    this.db = db
    this.cache = cache
    this.selectSql = `SELECT ${table.sqlColumns} FROM ${table.sqlTable}`
    this.#codec = { encode: encodeRow, decode: (text) => decodeRow(table, text) }
  }

  /** goctl's primary-key cache key: `cache:<db>:<table>:id:<id>`. */
  primaryKey(id: number): string {
    return `${this.table.cachePrefix}id:${id}`
  }

  /** Every cache key of a row: the primary key and one per unique key whose columns are all present. */
  cacheKeys(row: Partial<RowOf<T>>): string[] {
    return this.#keysOf(row)
  }

  #keysOf(r: AnyRow): string[] {
    const keys = new Set<string>()
    if (r.id !== undefined) keys.add(this.primaryKey(Number(r.id)))
    for (const cols of this.table.uniqueKeys) {
      if (cols.every((c) => r[c] !== undefined)) keys.add(this.#uniqueKey(cols, r))
    }
    return [...keys]
  }

  /** The row with this id, or null when it does not exist, is soft-deleted or `id` is not a positive integer. */
  async findOne(id: number, tx?: Tx): Promise<RowOf<T> | null> {
    // Ids are positive BIGINTs: anything else cannot exist and is not worth a cache entry.
    if (!Number.isSafeInteger(id) || id <= 0) return null
    if (tx) return this.#typed(await this.#queryOne(tx, '`id` = ?', [id], true))
    const row = await this.cache.take(this.primaryKey(id), this.#codec, () => this.#queryOne(this.db, '`id` = ?', [id], true))
    return this.#typed(row)
  }

  /**
   * The row matching one declared unique key, e.g. `findOneBy({ mobile })` or
   * `findOneBy({ authType, authKey })`. The unique-key cache entry holds only the id; the row
   * itself is read through the primary-key entry, so updates invalidate one copy of the row.
   */
  async findOneBy(where: UniqueWhere<T>, tx?: Tx): Promise<RowOf<T> | null> {
    const w: AnyRow = where
    const cols = this.#uniqueColumns(w)
    const values = cols.map((c) => sqlArg(c, w[c]))
    const cond = cols.map((c) => `\`${this.table.sqlName.get(c)}\` = ?`).join(' AND ')
    if (tx) return this.#typed(await this.#queryOne(tx, cond, values, true))
    const row = await this.cache.takeIndex<AnyRow, number>(
      this.#uniqueKey(cols, w),
      this.#codec,
      (r) => Number(r.id),
      (id) => this.primaryKey(id),
      () => this.#queryOne(this.db, cond, values, true),
      (id) => this.#queryOne(this.db, '`id` = ?', [id], true),
    )
    return this.#typed(row)
  }

  /**
   * Inserts a row and returns its id. Base columns left out get the table's defaults
   * (`create_time` now, `del_state` 0, `version` 0 …). Cache keys of the new row are deleted,
   * so a not-found placeholder left by an earlier lookup (e.g. of the same mobile) does not hide it.
   */
  async insert(data: InsertData<T>, tx?: Tx): Promise<number> {
    const d: AnyRow = data
    const cols = [...this.table.kinds.keys()].filter((c) => d[c] !== undefined)
    const sql = `INSERT INTO ${this.table.sqlTable} (${cols.map((c) => `\`${this.table.sqlName.get(c)}\``).join(',')}) VALUES (${cols.map(() => '?').join(',')})`
    const res = await (tx ?? this.db).exec(
      sql,
      cols.map((c) => sqlArg(c, d[c])),
    )
    const id = d.id === undefined ? res.insertId : Number(d.id)
    await this.#invalidate(this.#keysOf({ ...d, id }), tx)
    return id
  }

  /**
   * Writes every column of `row` except id, create_time and update_time, and bumps `version`
   * (so holders of the old version fail their {@link CachedModel.updateWithVersion}). `row.version`
   * is set to the new version. Throws `CodeError(100006)` when the row does not exist.
   */
  async update(row: RowOf<T>, tx?: Tx): Promise<void> {
    await this.#update(row, tx, false)
  }

  /**
   * Optimistic-lock update: `UPDATE … SET …, version = version + 1 WHERE id = ? AND version = ?`
   * with `row.version`. When no row matches (someone else updated it first, or it is gone) it
   * throws `CodeError(100006)` and changes nothing; on success `row.version` is the new version.
   */
  async updateWithVersion(row: RowOf<T>, tx?: Tx): Promise<void> {
    await this.#update(row, tx, true)
  }

  /** Soft delete: `del_state = 1`, `delete_time = now`, under the version lock (as the looklook template). */
  async deleteSoft(row: RowOf<T>, tx?: Tx): Promise<void> {
    const r: AnyRow = row
    const next: AnyRow = { ...r, delState: DelState.Yes, deleteTime: new Date() }
    await this.#update(next, tx, true)
    Object.assign(r, { delState: next.delState, deleteTime: next.deleteTime, version: next.version })
  }

  /** Hard delete by id (idempotent); the row's cache keys are deleted. */
  async delete(id: number, tx?: Tx): Promise<void> {
    const q = tx ?? this.db
    const old = await this.#queryOne(q, '`id` = ?', [id], false)
    if (!old) return
    await q.exec(`DELETE FROM ${this.table.sqlTable} WHERE \`id\` = ?`, [id])
    await this.#invalidate(this.#keysOf(old), tx)
  }

  /** Rows matching `where` (not soft-deleted), `orderBy` default `id DESC`, uncached. */
  async findAll(q: ListQuery = {}, tx?: Tx): Promise<RowOf<T>[]> {
    const args = [...(q.args ?? [])]
    let sql = `${this.selectSql} WHERE ${this.#filter(q.where)} ORDER BY ${q.orderBy ?? '`id` DESC'}`
    if (q.limit !== undefined) {
      sql += ' LIMIT ?'
      args.push(q.limit)
    }
    return this.queryRows(sql, args, tx)
  }

  /**
   * Keyset paging, newest first: rows with `id < lastId` (all rows when lastId is 0) matching
   * `where`, ordered by id descending, at most `pageSize` of them. `pageSize` above
   * {@link MAX_PAGE_SIZE} is clamped; a non-integer or non-positive `pageSize`, or a negative
   * `lastId`, is a `CodeError(100002)`.
   */
  async findPageByIdDesc(q: PageQuery, tx?: Tx): Promise<RowOf<T>[]> {
    if (!Number.isSafeInteger(q.pageSize) || q.pageSize < 1) throw CodeError.param('pageSize must be a positive integer')
    if (!Number.isSafeInteger(q.lastId) || q.lastId < 0) throw CodeError.param('lastId must be a non-negative integer')
    const args = [...(q.args ?? [])]
    let where = this.#filter(q.where)
    if (q.lastId > 0) {
      where += ' AND `id` < ?'
      args.push(q.lastId)
    }
    args.push(Math.min(q.pageSize, MAX_PAGE_SIZE))
    return this.queryRows(`${this.selectSql} WHERE ${where} ORDER BY \`id\` DESC LIMIT ?`, args, tx)
  }

  /** Number of rows matching `where` (not soft-deleted). */
  async count(q: Filter = {}, tx?: Tx): Promise<number> {
    const rows = await this.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM ${this.table.sqlTable} WHERE ${this.#filter(q.where)}`,
      q.args ?? [],
      tx,
    )
    return Number(rows[0]?.n ?? 0)
  }

  /**
   * Runs a hand-written SELECT of this table's columns (start it with {@link CachedModel.selectSql})
   * and maps the rows to camelCase. Uncached; add `del_state = 0` yourself where it matters.
   */
  async queryRows(sql: string, args: readonly SqlValue[] = [], tx?: Tx): Promise<RowOf<T>[]> {
    const rows = await (tx ?? this.db).query<AnyRow>(sql, args)
    return rows.map((r) => this.#typed(rowFromDb(this.table, r)))
  }

  /** Runs any SELECT (aggregates, joins); `R` names the columns or aliases it returns. Uncached. */
  query<R extends object>(sql: string, args: readonly SqlValue[] = [], tx?: Tx): Promise<R[]> {
    return (tx ?? this.db).query<R>(sql, args)
  }

  /** Runs a hand-written write and deletes the cache keys it makes stale. */
  async exec(sql: string, args: readonly SqlValue[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
    const res = await (opts.tx ?? this.db).exec(sql, args)
    await this.#invalidate(opts.invalidate ?? [], opts.tx)
    return res
  }

  /** {@link SqlConn.transact} on this model's connection; pass the `tx` to every model call inside. */
  transact<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
    return this.db.transact(fn)
  }

  async #update(row: AnyRow, tx: Tx | undefined, withVersion: boolean): Promise<void> {
    const q = tx ?? this.db
    const id = Number(row.id)
    const old = await this.#queryOne(q, '`id` = ?', [id], false)
    if (!old) throw affectedZero(this.table.name, `row ${id} does not exist`)
    const cols = [...this.table.kinds.keys()].filter((c) => !UPDATE_SKIPPED.has(c))
    const sets = cols.map((c) => `\`${this.table.sqlName.get(c)}\` = ?`)
    const args = cols.map((c) => sqlArg(c, row[c]))
    let sql = `UPDATE ${this.table.sqlTable} SET ${sets.join(', ')}, \`version\` = \`version\` + 1 WHERE \`id\` = ?`
    args.push(id)
    if (withVersion) {
      sql += ' AND `version` = ?'
      args.push(sqlArg('version', row.version))
    }
    const res = await q.exec(sql, args)
    if (res.affectedRows === 0) {
      throw affectedZero(this.table.name, withVersion ? `row ${id} is not at version ${String(row.version)}` : `row ${id} is gone`)
    }
    row.version = (withVersion ? Number(row.version) : Number(old.version)) + 1
    await this.#invalidate([...new Set([...this.#keysOf(old), ...this.#keysOf(row)])], tx)
  }

  /** One row by a condition; `live` excludes soft-deleted rows. */
  async #queryOne(q: Queryer, cond: string, args: readonly SqlValue[], live: boolean): Promise<AnyRow | null> {
    const where = live ? `${cond} AND \`del_state\` = ?` : cond
    const rows = await q.query<AnyRow>(`${this.selectSql} WHERE ${where} LIMIT 1`, live ? [...args, DelState.No] : args)
    const first = rows[0]
    return first ? rowFromDb(this.table, first) : null
  }

  #filter(where: string | undefined): string {
    const live = `\`del_state\` = ${DelState.No}`
    return where ? `(${where}) AND ${live}` : live
  }

  #uniqueColumns(where: AnyRow): readonly string[] {
    const given = Object.keys(where).sort()
    for (const cols of this.table.uniqueKeys) {
      const sorted = [...cols].sort()
      if (sorted.length === given.length && sorted.every((c, i) => c === given[i])) return cols
    }
    throw new Error(`${this.table.name}: no unique key on (${given.join(', ')})`)
  }

  /** goctl's unique-key cache key: column names then values, each joined with ':'. */
  #uniqueKey(cols: readonly string[], row: AnyRow): string {
    return `${this.table.cachePrefix}${cols.join(':')}:${cols.map((c) => keyPart(row[c])).join(':')}`
  }

  async #invalidate(keys: readonly string[], tx: Tx | undefined): Promise<void> {
    if (keys.length === 0) return
    if (tx) tx.afterCommit(() => this.cache.del(keys))
    else await this.cache.del(keys)
  }

  /** AnyRow values were produced by rowFromDb/decodeRow from this table's column kinds, so they have RowOf<T>'s shape. */
  #typed(row: AnyRow): RowOf<T>
  #typed(row: AnyRow | null): RowOf<T> | null
  #typed(row: AnyRow | null): RowOf<T> | null {
    return row as RowOf<T> | null
  }
}

/** The constructor {@link defineModel} returns. */
export type ModelClass<T extends Table> = new (db: SqlConn, cache: Cache) => CachedModel<T>

/**
 * A model class bound to a table: `class UserModel extends defineModel(userTable) { … }`, built in the
 * service context as `new UserModel(db, cache)`.
 */
export function defineModel<T extends Table>(table: T): ModelClass<T> {
  return class extends CachedModel<T> {
    constructor(db: SqlConn, cache: Cache) {
      super(table, db, cache)
    }
  }
}
