/** Pieces every screen uses: waiting, failing, loading data, images that may not load, the page title. */
import type { ComponentChildren } from 'preact'
import { useCallback, useEffect, useState } from 'preact/hooks'

export function Spinner({ label }: { label: string }) {
  return (
    <p class="spinner" role="status" aria-live="polite">
      <span class="spinner-wheel" aria-hidden="true" />
      {label}
    </p>
  )
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** An api's refusal, in its own words. */
export function ErrorNote({ error, children }: { error: unknown; children?: ComponentChildren }) {
  return (
    <div class="error" role="alert">
      <p>{messageOf(error)}</p>
      {children}
    </div>
  )
}

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; error: unknown }

/** Runs `load` when `key` changes; the latest answer wins. */
export function useLoad<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' })
  const [round, setRound] = useState(0)
  // `key` names everything `load` reads: a new key is a new load.
  useEffect(() => {
    let current = true
    setResult({ state: 'loading' })
    load().then(
      (data) => current && setResult({ state: 'ok', data }),
      (error: unknown) => current && setResult({ state: 'error', error }),
    )
    return () => {
      current = false
    }
  }, [key, round])
  return [result, useCallback(() => setRound((r) => r + 1), [])]
}

/** Shows the spinner, the error or the content of a load. */
export function Show<T>({ loaded, label, children }: { loaded: Loaded<T>; label: string; children: (data: T) => ComponentChildren }) {
  if (loaded.state === 'loading') return <Spinner label={label} />
  if (loaded.state === 'error') return <ErrorNote error={loaded.error} />
  return <>{children(loaded.data)}</>
}

/** A photo, or a tinted tile with the place's initial when the image host cannot be reached. */
export function Photo({ src, alt, seed, class: cls }: { src: string | undefined; alt: string; seed: number; class?: string }) {
  const [failed, setFailed] = useState(!src)
  const hue = (seed * 47) % 360
  if (failed) {
    return (
      <div class={`photo photo-missing ${cls ?? ''}`} style={{ background: `hsl(${hue} 45% 32%)` }} role="img" aria-label={alt}>
        <span aria-hidden="true">{alt.slice(0, 1).toUpperCase()}</span>
      </div>
    )
  }
  return <img class={`photo ${cls ?? ''}`} src={src} alt={alt} loading="lazy" onError={() => setFailed(true)} />
}

/** The first image of a comma separated banner. */
export function coverOf(banner: string): string | undefined {
  return photosOf(banner)[0]
}

export function photosOf(banner: string): string[] {
  return banner
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · looklook`
  }, [title])
}
