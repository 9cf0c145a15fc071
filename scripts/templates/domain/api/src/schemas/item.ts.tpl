import { type Static, Type } from '@looklook/conf'

// Ids are BIGINTs that travel as JSON numbers; beyond 2^53 they would be silently rounded.
const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })

/** An item as the api shows it; the requests and answers below pick from it. */
export const Item = Type.Object({
  id: Id,
  userId: Type.Integer({ description: 'who created it' }),
  title: Type.String({ minLength: 1, maxLength: 64 }),
})
export type Item = Static<typeof Item>

export const ItemDetailReq = Type.Pick(Item, ['id'])
export type ItemDetailReq = Static<typeof ItemDetailReq>
export const ItemDetailResp = Type.Object({ item: Item })
export type ItemDetailResp = Static<typeof ItemDetailResp>

export const CreateItemReq = Type.Pick(Item, ['title'])
export type CreateItemReq = Static<typeof CreateItemReq>
export const CreateItemResp = Type.Pick(Item, ['id', 'userId'])
export type CreateItemResp = Static<typeof CreateItemResp>
