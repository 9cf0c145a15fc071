/**
 * Who is signed in: the token triple of register, login or wxMiniAuth, kept in localStorage so a
 * reload stays signed in, and dropped on sign-out or when the gateway refuses the token.
 */
import { signal } from '@preact/signals'

export interface Session {
  accessToken: string
  /** unix seconds */
  accessExpire: number
  /** How the guest signed in, for the header. */
  via: 'mobile' | 'wechat'
  label: string
}

const KEY = 'looklook.session'

function stored(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null
    return s && typeof s.accessToken === 'string' && s.accessExpire * 1000 > Date.now() ? s : null
  } catch {
    return null
  }
}

export const session = signal<Session | null>(stored())

export function signedIn(s: Session): void {
  localStorage.setItem(KEY, JSON.stringify(s))
  session.value = s
}

export function signedOut(): void {
  localStorage.removeItem(KEY)
  session.value = null
}

// Another tab signing in or out.
addEventListener('storage', (e) => {
  if (e.key === KEY) session.value = stored()
})
