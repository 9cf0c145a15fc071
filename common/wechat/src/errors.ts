/**
 * Error types of the WeChat clients. Each carries what WeChat said (`errcode`/`errmsg` for the
 * mini-program APIs, `code`/`message` for Pay v3) so callers can branch on it and log it.
 */

/** Base class of every error thrown by `@looklook/wechat`. */
export class WechatError extends Error {
  override name = 'WechatError'
}

/**
 * A mini-program API answered with a non-zero `errcode` (HTTP 200 with `{errcode, errmsg}`),
 * e.g. 40029 invalid code, 40163 code been used, 40001/42001 bad or expired access token.
 */
export class WechatApiError extends WechatError {
  override name = 'WechatApiError'
  readonly errcode: number
  readonly errmsg: string

  constructor(errcode: number, errmsg: string) {
    super(`wechat api error ${errcode}: ${errmsg}`)
    this.errcode = errcode
    this.errmsg = errmsg
  }
}

/** A Pay v3 API answered with a non-2xx status and `{code, message, detail?}` (e.g. 401 SIGN_ERROR, 403 OUT_TRADE_NO_USED). */
export class WechatPayError extends WechatError {
  override name = 'WechatPayError'
  readonly status: number
  readonly code: string
  readonly detail: unknown
  readonly requestId: string | undefined

  constructor(status: number, code: string, message: string, detail?: unknown, requestId?: string) {
    super(`wechat pay error ${status} ${code}: ${message}`)
    this.status = status
    this.code = code
    this.detail = detail
    this.requestId = requestId
  }
}

/** A transport-level failure: network error, timeout, unexpected HTTP status or a body that is not the expected JSON. */
export class WechatHttpError extends WechatError {
  override name = 'WechatHttpError'
  readonly status: number | undefined

  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options)
    this.status = status
  }
}

/** A WeChat Pay signature (response or notification) did not verify: unknown serial, stale timestamp, missing headers or a bad signature. */
export class WechatSignatureError extends WechatError {
  override name = 'WechatSignatureError'
}

/** Decryption failed (GCM tag mismatch, bad padding, wrong key) or the decrypted payload is not what was expected (e.g. watermark appid mismatch). */
export class WechatDecryptError extends WechatError {
  override name = 'WechatDecryptError'
}
