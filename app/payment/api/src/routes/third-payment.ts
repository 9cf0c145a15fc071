import { ctxOf, type RestApp } from '@looklook/rest'
import { Type } from '@sinclair/typebox'
import { thirdPaymentWxPay } from '../logic/wx-pay.ts'
import { NotifyError, thirdPaymentWxPayCallback } from '../logic/wx-pay-callback.ts'
import type { ServiceContext } from '../svc-context.ts'

const WxPayReq = Type.Object({
  // HSO + yyyyMMddHHmmss + 8 digits, as order-rpc makes them (the 25-character sn column).
  orderSn: Type.String({ pattern: '^HSO[0-9]{22}$', description: 'the homestay order to pay' }),
  serviceType: Type.Literal('homestayOrder', { description: 'the only kind of order there is to pay' }),
})

/** The signed parameters of `wx.requestPayment`, in the Go original's keys. */
const WxPayResp = Type.Object({
  appid: Type.String(),
  nonceStr: Type.String(),
  paySign: Type.String(),
  package: Type.String(),
  timestamp: Type.String(),
  signType: Type.String(),
})

/** What WeChat expects from a notify URL that refuses a notification (doc/wechat.md, Payment notifications). */
function failBody(message: string): { code: 'FAIL'; message: string } {
  return { code: 'FAIL', message }
}

const wxFail = (description: string) => Type.Object({ code: Type.Literal('FAIL'), message: Type.String() }, { description })
const callbackResponses = {
  204: Type.Null({ description: 'Notification verified and recorded (a repeated one too); WeChat stops sending it' }),
  400: wxFail('Timestamp, body, merchant, amount or decrypted resource not acceptable; WeChat retries'),
  401: wxFail('Signature verification failed'),
  404: wxFail('The notification names a payment this service does not know'),
  413: wxFail('The body is larger than the api accepts'),
  415: wxFail('The body is not application/json'),
  500: wxFail('Recording failed here; WeChat retries later'),
}

/** `/payment/v1/thirdPayment/*`: wxPay needs a token (the gateway checks); the callback is public and answers WeChat, not clients. */
export function thirdPaymentRoutes(app: RestApp, svc: ServiceContext): void {
  app.post('/payment/v1/thirdPayment/thirdPaymentWxPay', { schema: { body: WxPayReq, response: { 200: WxPayResp } } }, (request) =>
    thirdPaymentWxPay(svc, ctxOf(request), request.body),
  )

  app.post(
    '/payment/v1/thirdPayment/thirdPaymentWxPayCallback',
    {
      // raw: no envelope, and request.rawBody holds the exact bytes WeChat signed.
      config: { raw: true },
      // The answers WeChat Pay gets, as the document lists them.
      schema: { response: callbackResponses },
      // Every failure, including a body Fastify could not parse, answers in WeChat's form, never the api envelope.
      errorHandler: (err, request, reply) => {
        const clientError = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500
        const status = err instanceof NotifyError ? err.status : clientError ? (err.statusCode ?? 400) : 500
        const message = err instanceof NotifyError || clientError ? err.message : 'internal error'
        if (status >= 500) request.log.error({ err }, 'wechat pay notification failed')
        else request.log.warn({ err, status }, 'wechat pay notification rejected')
        // Typed by the response schemas' keys; any other 4xx (e.g. 413) is serialized the same way.
        return reply.code(status as 400).send(failBody(message))
      },
    },
    async (request, reply) => {
      await thirdPaymentWxPayCallback(svc, ctxOf(request), request.headers, request.rawBody)
      return reply.code(204).send(null)
    },
  )
}
