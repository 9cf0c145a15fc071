import { MAX_PAGE_SIZE } from '@looklook/model/mapping'
import { Type } from '@sinclair/typebox'

// Ids are BIGINTs that travel as JSON numbers; beyond 2^53 they would be silently rounded.
const MAX_ID = Number.MAX_SAFE_INTEGER
// Offset paging (homestayList) reads and skips (page-1)·pageSize rows; this keeps that bounded.
const MAX_PAGE = 10_000

export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID })
export const LastId = Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'smallest id of the previous page; 0 for the first page' })
export const PageSize = Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })
export const Page = Type.Integer({ minimum: 1, maximum: MAX_PAGE, description: 'page number, from 1' })

export const Yuan = Type.Number({ description: 'yuan, 2 decimals' })
