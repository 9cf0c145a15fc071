/** Sign in: mobile and password (log in or register), or WeChat through the local sandbox when there is one. */
import { useEffect, useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { api, unwrap } from '../api/client.ts'
import { sandboxAvailable, sandboxLogin } from '../api/sandbox.ts'
import { signedIn } from '../session.ts'
import { ErrorNote, Spinner, useTitle } from '../ui.tsx'

/** Where to go after signing in: the page that asked, if it is one of ours. */
export function nextPath(query: Record<string, string>): string {
  const next = query.next ?? '/'
  return next.startsWith('/') && !next.startsWith('//') ? next : '/'
}

function MobileForm({ onDone }: { onDone: () => void }) {
  const [mode, setMode] = useState<'login' | 'register'>('login')
  const [mobile, setMobile] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const body = { mobile: mobile.trim(), password }
      const tokens = await unwrap(
        mode === 'login' ? api.POST('/usercenter/v1/user/login', { body }) : api.POST('/usercenter/v1/user/register', { body }),
      )
      signedIn({ accessToken: tokens.accessToken, accessExpire: tokens.accessExpire, via: 'mobile', label: body.mobile })
      onDone()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={submit} aria-labelledby="mobile-heading" class="panel">
      <h2 id="mobile-heading">With your mobile number</h2>
      <fieldset class="choice">
        <legend>I want to</legend>
        <label>
          <input type="radio" name="mode" value="login" checked={mode === 'login'} onChange={() => setMode('login')} /> log in
        </label>
        <label>
          <input type="radio" name="mode" value="register" checked={mode === 'register'} onChange={() => setMode('register')} /> create an
          account
        </label>
      </fieldset>
      <label for="mobile">Mobile number</label>
      <input
        id="mobile"
        name="mobile"
        type="tel"
        inputMode="numeric"
        autoComplete="tel"
        required
        value={mobile}
        onInput={(e) => setMobile(e.currentTarget.value)}
      />
      <label for="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        required
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      {error ? <ErrorNote error={error} /> : null}
      {busy ? <Spinner label={mode === 'login' ? 'Logging in' : 'Creating your account'} /> : null}
      <button type="submit" disabled={busy}>
        {mode === 'login' ? 'Log in' : 'Create account'}
      </button>
    </form>
  )
}

function WechatForm({ onDone }: { onDone: () => void }) {
  const [nickName, setNickName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      // What the mini-program does: WeChat's login button yields a code and the encrypted profile, which usercenter-api checks with WeChat.
      const { code, iv, encryptedData } = await sandboxLogin(nickName.trim())
      const tokens = await unwrap(api.POST('/usercenter/v1/user/wxMiniAuth', { body: { code, iv, encryptedData } }))
      signedIn({ accessToken: tokens.accessToken, accessExpire: tokens.accessExpire, via: 'wechat', label: nickName.trim() })
      onDone()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={submit} aria-labelledby="wechat-heading" class="panel">
      <h2 id="wechat-heading">With WeChat (sandbox)</h2>
      <p class="muted">
        This machine runs the local WeChat sandbox: pick any WeChat nickname; the same nickname is the same WeChat user. Paying with WeChat
        needs this sign-in.
      </p>
      <label for="nickname">WeChat nickname</label>
      <input id="nickname" name="nickname" required maxLength={64} value={nickName} onInput={(e) => setNickName(e.currentTarget.value)} />
      {error ? <ErrorNote error={error} /> : null}
      {busy ? <Spinner label="Signing in with WeChat" /> : null}
      <button type="submit" disabled={busy}>
        Sign in with WeChat
      </button>
    </form>
  )
}

export function SignIn() {
  useTitle('Sign in')
  const { query, route } = useLocation()
  const [sandbox, setSandbox] = useState<boolean | undefined>(undefined)
  useEffect(() => {
    void sandboxAvailable().then(setSandbox)
  }, [])
  const done = () => route(nextPath(query), true)
  return (
    <>
      <h1>Sign in</h1>
      <div class="split">
        <MobileForm onDone={done} />
        {sandbox === undefined ? <Spinner label="Looking for the WeChat sandbox" /> : sandbox ? <WechatForm onDone={done} /> : null}
      </div>
    </>
  )
}
