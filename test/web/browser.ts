/**
 * The browser test/web drives: Debian's Chromium through playwright-core (installed with apt when
 * missing, as ./looklook installs everything else), pages of the web app on the gateway, screenshots
 * under data/web-screenshots/ for people to look at, and an axe-core check of each screen.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { GATEWAY } from '@looklook/testkit'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

const ROOT = join(import.meta.dirname, '../..')
export const SCREENSHOTS = join(ROOT, 'data/web-screenshots')
/** Debian's launcher script execs this binary; started directly, its wrapper's checks are skipped. */
const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'] as const

/** Chromium's path, after installing it with the project's apt helper (scripts/web.sh) when it is missing. */
export function chromiumPath(): string {
  let found = CHROMIUM.find((p) => existsSync(p))
  if (!found) {
    // Progress goes to the test's output: the first run on a new machine downloads the browser.
    execFileSync(
      'bash',
      ['-c', 'set -euo pipefail; ROOT=$1; source "$ROOT/scripts/lib.sh"; source "$ROOT/scripts/web.sh"; web_browser', 'web-browser', ROOT],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: 600_000,
      },
    )
    found = CHROMIUM.find((p) => existsSync(p))
  }
  assert.ok(found, `no Chromium at ${CHROMIUM.join(' or ')}`)
  return found
}

export async function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({ executablePath: chromiumPath(), args: ['--disable-dev-shm-usage'] })
}

export const DESKTOP = { width: 1280, height: 860 }
export const PHONE = { width: 375, height: 740 }

/**
 * A fresh context (no session) on the gateway. Requests leaving 127.0.0.1 (the seed's image host) are
 * refused at once, so the pages show their image placeholders instead of waiting on the network.
 */
export async function newContext(browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: GATEWAY, viewport, locale: 'en-GB', timezoneId: 'Asia/Shanghai' })
  const gatewayHost = new URL(GATEWAY).host
  await context.route(
    (url) => url.host !== gatewayHost,
    (route) => route.abort(),
  )
  context.setDefaultTimeout(15_000)
  return context
}

/** Fails the test on any script error in the page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  return errors
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[] }[]
}

/** Saves a screenshot of the screen as data/web-screenshots/<name>.png and checks it with axe-core: no serious or critical violation. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
  await page.addScriptTag({ content: axeSource })
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }))
  })
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  assert.deepEqual(
    serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`),
    [],
    `accessibility of the ${name} screen`,
  )
}

/** The page does not scroll sideways (a layout that fits the viewport). */
export async function fitsWidth(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }))
  assert.ok(scroll <= client, `the page is ${scroll} px wide in a ${client} px viewport`)
}
