export const {{Route}}Req = Type.Object({})
export type {{Route}}Req = Static<typeof {{Route}}Req>
export const {{Route}}Resp = Type.Object({})
export type {{Route}}Resp = Static<typeof {{Route}}Resp>
