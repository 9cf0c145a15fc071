/** The frame of every screen (header, navigation, sign-out) and the routes. */
import type { ComponentChildren } from 'preact'
import { useEffect, useErrorBoundary, useRef, useState } from 'preact/hooks'
import { LocationProvider, Route, Router, useLocation } from 'preact-iso'
import { api, unwrap } from './api/client.ts'
import { Book } from './pages/book.tsx'
import { Home } from './pages/home.tsx'
import { HomestayPage } from './pages/homestay.tsx'
import { OrderPage, Orders } from './pages/orders.tsx'
import { Pay } from './pages/pay.tsx'
import { SignIn } from './pages/sign-in.tsx'
import { session, signedOut } from './session.ts'
import { ErrorNote, Spinner, useTitle } from './ui.tsx'

function SignOut() {
  const { route } = useLocation()
  const [busy, setBusy] = useState(false)
  const signOut = async () => {
    setBusy(true)
    try {
      // The gateway stops accepting the token at once; the local copy goes either way.
      await unwrap(api.POST('/usercenter/v1/user/logout', { body: {} })).catch(() => undefined)
    } finally {
      signedOut()
      setBusy(false)
      route('/sign-in?signedOut=1')
    }
  }
  return (
    <button type="button" class="link-button" onClick={signOut} disabled={busy}>
      {busy ? 'Signing out…' : 'Sign out'}
    </button>
  )
}

function Header() {
  const { path } = useLocation()
  const s = session.value
  const current = (p: string) => (path === p || (p !== '/' && path.startsWith(`${p}/`)) ? 'page' : undefined)
  return (
    <header class="top">
      <a href="/" class="brand">
        looklook
      </a>
      <nav aria-label="Main">
        <a href="/" aria-current={current('/')}>
          Stays
        </a>
        <a href="/orders" aria-current={current('/orders')}>
          My orders
        </a>
        {s ? (
          <>
            <span class="who" title={s.via === 'wechat' ? 'signed in with WeChat' : 'signed in with your mobile'}>
              {s.label}
            </span>
            <SignOut />
          </>
        ) : (
          <a href="/sign-in" aria-current={current('/sign-in')}>
            Sign in
          </a>
        )}
      </nav>
    </header>
  )
}

/** A screen that needs a signed-in guest: otherwise the sign-in screen, coming back here after. */
function Signed({ children }: { children: ComponentChildren }) {
  const { url, route } = useLocation()
  const s = session.value
  useEffect(() => {
    if (!s) route(`/sign-in?next=${encodeURIComponent(url)}`, true)
  }, [s, url, route])
  return s ? children : <Spinner label="Taking you to sign in" />
}

const BookScreen = ({ id }: { id?: string }) => (
  <Signed>
    <Book id={id} />
  </Signed>
)
const OrdersScreen = () => (
  <Signed>
    <Orders />
  </Signed>
)
const OrderScreen = ({ sn }: { sn?: string }) => (
  <Signed>
    <OrderPage sn={sn} />
  </Signed>
)
const PayScreen = ({ sn }: { sn?: string }) => (
  <Signed>
    <Pay sn={sn} />
  </Signed>
)

function NotFound() {
  useTitle('Not found')
  return (
    <>
      <h1>Page not found</h1>
      <ErrorNote error={new Error('There is no page at this address.')}>
        <p>
          <a href="/">See the stays</a>
        </p>
      </ErrorNote>
    </>
  )
}

function Notice() {
  const { query } = useLocation()
  return query.signedOut ? (
    <p class="notice" role="status">
      You are signed out.
    </p>
  ) : null
}

/** A screen that failed to render says so, instead of leaving the page blank. */
function Guarded({ children }: { children: ComponentChildren }) {
  const { path } = useLocation()
  const [error, reset] = useErrorBoundary()
  // A new screen starts without the old one's failure.
  useEffect(() => reset(), [path])
  if (!error) return children
  return (
    <ErrorNote error={error}>
      <p>
        Something went wrong on this screen. <a href="/">Back to the stays</a>
      </p>
    </ErrorNote>
  )
}

function Main() {
  const { path } = useLocation()
  const main = useRef<HTMLElement>(null)
  const first = useRef(true)
  // A new screen: move focus to it, so keyboard and screen-reader users start at its top.
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    main.current?.focus()
  }, [path])
  return (
    <main id="main" tabIndex={-1} ref={main}>
      <Notice />
      <Guarded>
        <Router>
          <Route path="/" component={Home} />
          <Route path="/homestays/:id" component={HomestayPage} />
          <Route path="/homestays/:id/book" component={BookScreen} />
          <Route path="/sign-in" component={SignIn} />
          <Route path="/orders" component={OrdersScreen} />
          <Route path="/orders/:sn" component={OrderScreen} />
          <Route path="/orders/:sn/pay" component={PayScreen} />
          <Route default component={NotFound} />
        </Router>
      </Guarded>
    </main>
  )
}

export function App() {
  return (
    <LocationProvider>
      <a href="#main" class="skip">
        Skip to content
      </a>
      <Header />
      <Main />
    </LocationProvider>
  )
}
