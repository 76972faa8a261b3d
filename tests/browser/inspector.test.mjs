// The inspector in a real browser: headless Chromium from Debian (/usr/bin/chromium),
// driven by playwright-core. `hooksig listen --ui` runs with four routes and --forward-to a
// real app (a node:http server that records every request); `hooksig send` delivers valid and
// tampered webhooks; the page shows them live, explains a failure without showing a secret,
// and its "replay" reaches the app with the exact bytes. Writes a screenshot for the docs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFile } from 'node:child_process'
import { createInterface } from 'node:readline'
import http from 'node:http'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { quantize } from './png.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = process.env.HOOKSIG_BIN || path.join(root, 'target/debug/hooksig')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const SCREENSHOT = process.env.HOOKSIG_SCREENSHOT || path.join(root, 'target/browser/inspector.png')

const SECRETS = {
  STRIPE_SECRET: 'whsec_YnJvd3NlciB0ZXN0IHN0cmlwZSBzZWNyZXQ=',
  NOYO_SECRET: 'noyo browser secret 3e1f',
  SQUARE_KEY: 'square-browser-signature-key',
  // RFC 8032 TEST 1: the Ed25519 seed signs (hooksig send); the listener has the public key.
  DISCORD_PRIVATE: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
}
const DISCORD_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'
const env = { ...process.env, ...SECRETS }
const BODY = JSON.stringify({ type: 'invoice.paid', id: 'evt_browser_1', amount: 4200 })

let app // { url, requests, server, waitFor(n) }
let listener // { child, ui, base, lines }
let context
let page
let profile

function startApp() {
  return new Promise((resolve) => {
    const requests = []
    const waiters = []
    const server = http.createServer((req, res) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) })
        for (const w of waiters.splice(0)) w()
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end('{"app":"ok"}')
      })
    })
    const waitFor = async (n) => {
      while (requests.length < n) await new Promise((r) => waiters.push(r))
      return requests[n - 1]
    }
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, requests, server, waitFor })
    })
  })
}

function startListener(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['listen', '--ui', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = []
    let base
    child.on('error', reject)
    child.on('exit', (code) => {
      if (!base) reject(new Error(`hooksig listen exited with ${code}`))
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line)
      const listening = line.match(/^listening on (http:\/\/[^/]+)/)
      if (listening) base = listening[1]
      const ui = line.match(/^inspector on (\S+)/)
      if (ui) resolve({ child, ui: ui[1], base, lines })
    })
  })
}

/** `hooksig send` to a route; resolves with its stdout (it exits 0: the endpoint behaved). */
function send(route, preset, keys, extra = []) {
  return new Promise((resolve, reject) => {
    execFile(
      BIN,
      ['send', listener.base + route, '--preset', preset, ...keys, '--data', BODY, ...extra],
      { env },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`hooksig send ${route} ${extra.join(' ')}: ${stderr}`))
        else resolve(stdout)
      },
    )
  })
}

const KEYS = {
  stripe: ['--secret-env', 'STRIPE_SECRET'],
  noyo: ['--secret-env', 'NOYO_SECRET'],
  square: ['--secret-env', 'SQUARE_KEY'],
  discord: ['--private-key-env', 'DISCORD_PRIVATE'],
}

/** Waits for a row of the list and returns its result text. */
async function rowResult(id) {
  const result = page.locator(`#rows tr[data-id="${id}"] .result`)
  await result.waitFor()
  return result.textContent()
}

/** The headers of a recorded request, less those that describe the connection. */
function endToEndHeaders(request) {
  const out = []
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i].toLowerCase()
    if (!['host', 'content-length', 'connection'].includes(name)) out.push([name, request.rawHeaders[i + 1]])
  }
  return out
}

function assertNoSecret(text, where) {
  for (const [name, secret] of Object.entries(SECRETS)) {
    assert.ok(!text.includes(secret), `${where} shows ${name}`)
  }
  assert.ok(!text.includes(SECRETS.STRIPE_SECRET.slice(6)), `${where} shows the whsec_ key`)
}

before(async () => {
  app = await startApp()
  listener = await startListener([
    '--forward-to',
    app.url,
    '--route',
    '/webhooks/stripe=stripe,secret-env=STRIPE_SECRET',
    '--route',
    '/webhooks/noyo=noyo,secret-env=NOYO_SECRET',
    '--route',
    '/webhooks/square=square,secret-env=SQUARE_KEY',
    '--route',
    `/webhooks/discord=discord,public-key=${DISCORD_PUBLIC}`,
  ])
  profile = mkdtempSync(path.join(tmpdir(), 'hooksig-chromium-'))
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (error) => assert.fail(`the page threw: ${error.message}`))
})

after(async () => {
  await context?.close()
  listener?.child.kill()
  app?.server.close()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

test('a valid and a tampered delivery to two routes show as four rows, live', async () => {
  await page.goto(listener.ui)
  await page.locator('#connection', { hasText: 'Live' }).waitFor()
  assert.equal(await page.locator('#rows tr').count(), 0)
  await page.evaluate(() => {
    window.notReloaded = true
  })

  assert.match(await send('/webhooks/stripe', 'stripe', KEYS.stripe), /^HTTP 200/)
  assert.match(await send('/webhooks/stripe', 'stripe', KEYS.stripe, ['--tamper', 'signature']), /^HTTP 403/)
  assert.match(await send('/webhooks/noyo', 'noyo', KEYS.noyo), /^HTTP 200/)
  assert.match(await send('/webhooks/noyo', 'noyo', KEYS.noyo, ['--tamper', 'body']), /^HTTP 403/)

  await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 4)
  assert.equal(await rowResult(1), '200 ok')
  assert.equal(await rowResult(2), '403 signature_mismatch')
  assert.equal(await rowResult(3), '200 ok')
  assert.equal(await rowResult(4), '403 signature_mismatch')
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was reloaded')
  // Newest first, with the route's preset and path.
  const firstRow = await page.locator('#rows tr').first().innerText()
  assert.match(firstRow, /^4\s.*POST\s+\/webhooks\/noyo\s+noyo/s)

  // Every delivery went on to the app, body bytes and headers as sent.
  const valid = await app.waitFor(1)
  assert.equal(valid.url, '/webhooks/stripe')
  assert.equal(valid.body.toString('latin1'), BODY)
  assert.ok(endToEndHeaders(valid).some(([n]) => n === 'stripe-signature'))
  await app.waitFor(4)
  // The list shows the app's answer once it came.
  await page.locator('#rows tr[data-id="1"] td:last-child', { hasText: '200 ·' }).waitFor()
})

test('a failed delivery shows its message and hint, and no secret', async () => {
  // By keyboard: focus the row's button, Enter opens it; focus moves to the detail.
  await page.locator('#rows tr[data-id="4"] button.open').focus()
  await page.keyboard.press('Enter')
  await page.locator('#detail-title', { hasText: 'Delivery #4' }).waitFor()
  assert.equal(await page.evaluate(() => document.activeElement.id), 'detail-title')
  const verdict = await page.locator('#verdict').innerText()
  assert.match(verdict, /403 signature_mismatch/)
  assert.match(verdict, /no signature matched/)
  assert.match(verdict, /What to check: .*1 key was tried for this route/s)
  const read = await page.locator('#read-headers').innerText()
  assert.match(read, /x-noyo-signature/)
  assert.match(read, /x-noyo-timestamp/)
  assert.match(await page.locator('#body-note').innerText(), /^text, \d+ bytes/)
  assertNoSecret(await page.content(), 'the detail view')
  // Escape closes it and gives focus back to the row.
  await page.keyboard.press('Escape')
  assert.equal(await page.locator('#detail').isHidden(), true)
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.dataset.id), '4')
  // The arrow keys move between rows.
  await page.keyboard.press('ArrowDown')
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.dataset.id), '3')
})

test('replay reaches the forward target with the exact bytes', async () => {
  await page.locator('#rows tr[data-id="1"] button.open').click()
  await page.locator('#detail-title', { hasText: 'Delivery #1' }).waitFor()
  assert.match(await page.locator('#verdict').innerText(), /200 ok/)
  assert.match(
    await page.locator('#curl-text').inputValue(),
    /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/webhooks\/stripe'/,
  )
  // Copy: the command is on the clipboard (127.0.0.1 is a secure context).
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: listener.base })
  await page.getByRole('button', { name: 'Copy curl command' }).click()
  await page.locator('#action-status', { hasText: 'on the clipboard' }).waitFor()
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  assert.equal(copied, await page.locator('#curl-text').inputValue())
  await page.getByRole('button', { name: 'Replay as received' }).click()
  await page.locator('#action-status', { hasText: 'as #5: 200 duplicate' }).waitFor()
  assert.equal(await rowResult(5), '200 duplicate')
  const original = app.requests[0]
  const replayed = await app.waitFor(5)
  assert.equal(replayed.url, original.url)
  assert.ok(replayed.body.equals(original.body), 'the replayed body differs')
  assert.deepEqual(endToEndHeaders(replayed), endToEndHeaders(original))

  // A tampered copy from the same row fails for its own reason.
  await page.getByRole('button', { name: 'Stale timestamp' }).click()
  await page.locator('#action-status', { hasText: 'as #6: 403 timestamp_too_old' }).waitFor()
  assert.equal(await rowResult(6), '403 timestamp_too_old')
})

test('a URL-signed preset (square) and a public-key preset (discord)', async () => {
  assert.match(await send('/webhooks/square', 'square', KEYS.square), /^HTTP 200/)
  assert.match(await send('/webhooks/square', 'square', KEYS.square, ['--tamper', 'body']), /^HTTP 403/)
  assert.match(await send('/webhooks/discord', 'discord', KEYS.discord), /^HTTP 200/)
  assert.match(await send('/webhooks/discord', 'discord', KEYS.discord, ['--tamper', 'timestamp']), /^HTTP 403/)
  assert.equal(await rowResult(7), '200 ok')
  assert.equal(await rowResult(8), '403 signature_mismatch')
  assert.equal(await rowResult(9), '200 ok')
  assert.equal(await rowResult(10), '403 timestamp_too_old')
  await page.locator('#rows tr[data-id="8"] button.open').click()
  await page.locator('#detail-title', { hasText: 'Delivery #8' }).waitFor()
  assert.match(
    await page.locator('#verdict').innerText(),
    /This scheme signs the URL, checked here as http:\/\/127\.0\.0\.1:\d+\/webhooks\/square/,
  )
  await page.locator('#rows tr[data-id="10"] button.open').click()
  await page.locator('#detail-title', { hasText: 'Delivery #10' }).waitFor()
  assert.match(await page.locator('#verdict').innerText(), /timestamp_too_old/)
  // Discord's signature is read with the route's public key; the seed is nowhere.
  assertNoSecret(await page.content(), 'the page')
})

test('accessible: labels, names, contrast', async () => {
  await page.locator('#rows tr[data-id="4"] button.open').click()
  await page.locator('#detail-title', { hasText: 'Delivery #4' }).waitFor()
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme })
    const { problems, checked } = await page.evaluate(() => {
      const out = []
      let checked = 0
      for (const input of document.querySelectorAll('input, textarea, select')) {
        if (!input.labels?.length && !input.getAttribute('aria-label')) out.push(`no label: #${input.id}`)
      }
      for (const button of document.querySelectorAll('button')) {
        const name = (button.getAttribute('aria-label') || button.textContent).trim()
        if (!name) out.push(`a button without a name: ${button.outerHTML}`)
      }
      // WCAG 2 contrast of every visible text against its nearest opaque background.
      const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number)
      const lum = ([r, g, b]) => {
        const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
      }
      const background = (node) => {
        for (let e = node; e; e = e.parentElement) {
          const c = parse(getComputedStyle(e).backgroundColor)
          if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3)
        }
        return [255, 255, 255]
      }
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
      while (walker.nextNode()) {
        const node = walker.currentNode
        const e = node.parentElement
        if (!node.textContent.trim() || !e.checkVisibility() || e.closest('button:disabled, .visually-hidden')) continue
        const style = getComputedStyle(e)
        const fg = lum(parse(style.color))
        const bg = lum(background(e))
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05)
        checked++
        const large =
          parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700)
        if (ratio < (large ? 3 : 4.5))
          out.push(`contrast ${ratio.toFixed(2)}: "${node.textContent.trim().slice(0, 40)}"`)
      }
      return { problems: out, checked }
    })
    assert.deepEqual(problems, [], colorScheme)
    assert.ok(checked > 100, `only ${checked} texts were checked`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
  assert.equal(await page.locator('html').getAttribute('lang'), 'en')
  assert.equal(await page.locator('#announce').getAttribute('aria-live'), 'polite')
})

test('a screenshot for docs/inspector.md', async () => {
  await page.locator('#rows tr[data-id="4"] button.open').click()
  await page.locator('#detail-title', { hasText: 'Delivery #4' }).waitFor()
  await page.evaluate(() => document.activeElement.blur())
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true })
  const shot = quantize(await page.screenshot())
  writeFileSync(SCREENSHOT, shot)
  assert.ok(shot.length < 200_000, `the screenshot is ${shot.length} bytes`)
  assertNoSecret(await page.content(), 'the page')
})
