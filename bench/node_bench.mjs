// hooksig for Node.js against node:crypto, on every scheme shape and every real header
// container, in one process (issue 14). Results and how to read them: bench/node.md.
//
//   node bench/node_bench.mjs            (or `make bench-node`; the addon is built in release mode)
//   BENCH_ROUNDS=21 BENCH_MS=40 node bench/node_bench.mjs     (more rounds, steadier medians)
//   BENCH_ONLY=matrix|paths|asymmetric|peers|replay   (one section)
//
// The matrix: shapes {github (1 signed header), aghanim and noyo (2), standard-webhooks (3)}
// x containers {only the signed headers; a 12-header request as a req.headers-style object
// (lower-case names, as Node gives them); the same request as a fetch Headers}
// x bodies {0 B, 1 KiB, 1 MiB}. In each cell hooksig's `verifier.verify(body, container)`
// runs against node:crypto reading the same container by exact key (`h[name]`, or
// `h.get(name)` for a Headers) and decoding per call, as a provider's snippet does:
// createHmac(...).update(...).digest() to bytes, the header decoded with Buffer.from(hex or
// base64), a length check, crypto.timingSafeEqual. Two forms are timed, the key as a
// Buffer and as a KeyObject made once; the ratio is against the faster of the two in each
// round. The snippets have no replay window (hooksig checks one): the comparison leaves
// that work to hooksig alone.
//
// Path rows: the fast path (node/fast.js, bindings/node/src/fast.rs: what verify takes) against
// the plain path (index.js, lib.rs: every header converted, a thrown native error mapped) on
// the same requests, valid and with a wrong signature: the cells the fast path's tricks win.
//
// Asymmetric rows (for the record): discord (Ed25519) and sendgrid (ECDSA P-256) against
// crypto.verify with a KeyObject made once, the signature decoded and the message
// concatenated per call. Peer rows: standardwebhooks, svix, stripe, octokit at 1 KiB.
//
// Replay rows (issue 11): `claim` on the memory store (the core's, through the addon) and on
// Redis over loopback (a redis-server started here on a free port, persistence off, through
// the `redis` package's client): one claim awaited at a time (the latency a request waits),
// and 100 in flight (what one process can push through). Redis rows are wall-clock times:
// the time is the round trip, not this process's CPU.
//
// Timing: every contestant of a cell runs back to back in each round (the order flips every
// round), so load that comes and goes hits them alike. A time is the process CPU time
// (user + system, process.cpuUsage) per call, median over the rounds: on a shared machine
// the time the process waits for a core is left out. A ratio is the median of the
// per-round ratios. Every contestant must verify the valid request before timing.

import crypto from 'node:crypto'
import os from 'node:os'
import { execSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { spawn } from 'node:child_process'
import net from 'node:net'
import { Verifier, Signer, MemoryReplayStore, RedisReplayStore } from 'hooksig'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { verify as octokitVerify } from '@octokit/webhooks-methods'

const require = createRequire(import.meta.url)
const Stripe = require('stripe')
const stripeWebhooks = Stripe.webhooks || new Stripe('sk_test_hooksig').webhooks

const ROUNDS = Number(process.env.BENCH_ROUNDS || 15)
const ROUND_MS = Number(process.env.BENCH_MS || 25)
const ONLY = process.env.BENCH_ONLY || ''
const SIZES = [
  ['0 B', 0],
  ['1 KiB', 1024],
  ['1 MiB', 1024 * 1024],
]
const CONTAINERS = ['signed headers only', '12-header object', '12-header Headers']

/** A JSON body of exactly `size` bytes; 0 gives an empty body. */
function jsonBody(size) {
  if (size === 0) return Buffer.alloc(0)
  if (size < 12) return Buffer.from('{}'.padEnd(size, ' '))
  const head = '{"data":"'
  return Buffer.from(head + 'x'.repeat(size - head.length - 2) + '"}')
}

/** Calls `fn` repeatedly for about `ms` of CPU time; returns CPU ns per call. */
function timeSync(fn, ms) {
  let n = 1
  for (;;) {
    const start = process.cpuUsage()
    for (let i = 0; i < n; i++) fn()
    const used = process.cpuUsage(start)
    const ns = (used.user + used.system) * 1000
    if (ns >= ms * 1e6 || n >= 1 << 24) return ns / n
    n = ns < 1e6 ? n * 10 : Math.ceil((n * ms * 1e6) / ns) + 1
  }
}

async function timeAsync(fn, ms) {
  let n = 1
  for (;;) {
    const start = process.cpuUsage()
    for (let i = 0; i < n; i++) await fn()
    const used = process.cpuUsage(start)
    const ns = (used.user + used.system) * 1000
    if (ns >= ms * 1e6 || n >= 1 << 24) return ns / n
    n = ns < 1e6 ? n * 10 : Math.ceil((n * ms * 1e6) / ns) + 1
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** The other headers of a realistic delivery: with the signed ones, 12 in all. */
function otherHeaders(count, length) {
  const all = {
    host: 'api.example.com',
    'user-agent': 'Webhooks/1.0 (+https://provider.example)',
    accept: '*/*',
    'accept-encoding': 'gzip',
    'content-type': 'application/json',
    'content-length': String(length),
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-proto': 'https',
    'x-request-id': '4bf92f3577b34da6a3ce929d0e0e4736',
    connection: 'keep-alive',
    'x-event-type': 'payment.succeeded',
  }
  return Object.fromEntries(Object.entries(all).slice(0, count))
}

/**
 * The scheme shapes: for each, the preset, a secret, and the snippet's computation:
 * `message(h, mac)` feeds the signed bytes, `check(h, expected)` decodes and compares.
 */
const SHAPES = {
  github: {
    secret: 'a webhook secret of ordinary length',
    key: (secret) => Buffer.from(secret),
    names: ['x-hub-signature-256'],
    feed: (_get, body, mac) => mac.update(body),
    check: (get, expected) => {
      const given = Buffer.from(get('x-hub-signature-256').slice(7), 'hex')
      return given.length === expected.length && crypto.timingSafeEqual(given, expected)
    },
  },
  aghanim: {
    secret: 'aghanim-s2s-key-of-ordinary-length',
    key: (secret) => Buffer.from(secret),
    names: ['x-aghanim-signature', 'x-aghanim-signature-timestamp'],
    feed: (get, body, mac) => mac.update(`${get('x-aghanim-signature-timestamp')}.`).update(body),
    check: (get, expected) => {
      const given = Buffer.from(get('x-aghanim-signature'), 'hex')
      return given.length === expected.length && crypto.timingSafeEqual(given, expected)
    },
  },
  noyo: {
    secret: 'noyo-webhook-secret-ordinary-length',
    key: (secret) => Buffer.from(secret),
    names: ['x-noyo-signature', 'x-noyo-timestamp'],
    feed: (get, body, mac) => mac.update(`${get('x-noyo-timestamp')}.`).update(body),
    check: (get, expected) => {
      for (const item of get('x-noyo-signature').split(',')) {
        const given = Buffer.from(item.trim(), 'hex')
        if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) return true
      }
      return false
    },
  },
  'standard-webhooks': {
    secret: 'whsec_' + Buffer.from('a 24-byte webhook key...').toString('base64'),
    key: (secret) => Buffer.from(secret.slice(6), 'base64'),
    names: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    feed: (get, body, mac) => mac.update(`${get('webhook-id')}.${get('webhook-timestamp')}.`).update(body),
    check: (get, expected) => {
      for (const item of get('webhook-signature').split(' ')) {
        if (!item.startsWith('v1,')) continue
        const given = Buffer.from(item.slice(3), 'base64')
        if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) return true
      }
      return false
    },
  },
}

/** One cell: hooksig and the snippet's forms on the same body and container. */
function cell(shape, containerName, size) {
  const spec = SHAPES[shape]
  const body = jsonBody(size)
  const signed = new Signer(shape, { secret: spec.secret }).sign(body, { id: 'msg_2Lh3bd3C0uHB5GUQVcVbI8ib2vd' })
  const lower = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]))
  const request = { ...otherHeaders(12 - spec.names.length, body.length), ...lower }
  let container
  let get
  if (containerName === 'signed headers only') {
    container = lower
    get = (name) => container[name]
  } else if (containerName === '12-header object') {
    container = request
    get = (name) => container[name]
  } else {
    container = new Headers(request)
    get = (name) => container.get(name)
  }
  const verifier = new Verifier(shape, { secret: spec.secret })
  const keyBytes = spec.key(spec.secret)
  const keyObject = crypto.createSecretKey(keyBytes)
  const snippet = (key) => () => {
    const mac = crypto.createHmac('sha256', key)
    spec.feed(get, body, mac)
    return spec.check(get, mac.digest())
  }
  return {
    hooksig: () => verifier.verify(body, container),
    baselines: { 'crypto, key as Buffer': snippet(keyBytes), 'crypto, KeyObject': snippet(keyObject) },
  }
}

/** Times `contestants` (name -> fn) interleaved; returns name -> per-round samples. */
function interleave(contestants, ms) {
  const names = Object.keys(contestants)
  for (const name of names) {
    const r = contestants[name]()
    if (!(r === true || (r && typeof r === 'object'))) throw new Error(`${name} did not verify the valid request`)
  }
  const samples = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) samples[name].push(timeSync(contestants[name], ms))
  }
  return samples
}

const fmt = (ns) =>
  ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`

function matrix() {
  const rows = []
  for (const [label, size] of SIZES) {
    const ms = size >= 1 << 20 ? ROUND_MS * 4 : ROUND_MS
    for (const shape of Object.keys(SHAPES)) {
      for (const containerName of CONTAINERS) {
        const { hooksig, baselines } = cell(shape, containerName, size)
        const samples = interleave({ hooksig, ...baselines }, ms)
        const forms = Object.keys(baselines)
        const ratios = samples.hooksig.map((ns, i) => Math.min(...forms.map((f) => samples[f][i])) / ns)
        const fastest = forms.reduce((a, b) => (median(samples[a]) <= median(samples[b]) ? a : b))
        rows.push({
          size: label,
          shape,
          container: containerName,
          hooksig: median(samples.hooksig),
          crypto: median(samples[fastest]),
          form: fastest,
          ratio: median(ratios),
        })
        process.stderr.write('.')
      }
    }
  }
  process.stderr.write('\n')
  console.log('## The matrix: hooksig vs the fastest node:crypto form reading the same container\n')
  console.log('Ratio: node:crypto time / hooksig time (higher is better for hooksig).\n')
  for (const [label] of SIZES) {
    console.log(`### ${label}\n`)
    console.log('| shape | container | hooksig | node:crypto (faster form) | ratio |')
    console.log('|---|---|---:|---:|---:|')
    for (const r of rows.filter((row) => row.size === label)) {
      console.log(
        `| ${r.shape} | ${r.container} | ${fmt(r.hooksig)} | ${fmt(r.crypto)} (${r.form.slice(8)}) | ${r.ratio.toFixed(2)}x |`,
      )
    }
    console.log('')
  }
  console.log('### Worst cell per size\n')
  console.log('| size | worst cell | ratio | bar | met |')
  console.log('|---|---|---:|---:|---|')
  const bars = { '0 B': undefined, '1 KiB': 2.7, '1 MiB': 0.95 }
  for (const [label] of SIZES) {
    const worst = rows.filter((row) => row.size === label).reduce((a, b) => (a.ratio <= b.ratio ? a : b))
    const bar = bars[label]
    console.log(
      `| ${label} | ${worst.shape}, ${worst.container} | ${worst.ratio.toFixed(2)}x | ${bar === undefined ? '-' : `${bar}x`} | ${bar === undefined ? '-' : worst.ratio >= bar ? 'yes' : 'NO'} |`,
    )
  }
  console.log('')
}

/** The fast path against the plain path, on valid requests and on a wrong signature. */
function paths() {
  const require = createRequire(import.meta.url)
  const { _internal } = require('hooksig')
  console.log('## The fast path against the plain path (node/fast.js + fast.rs vs index.js + lib.rs)\n')
  console.log('| shape | container | body | fast path | plain path | wrong signature: fast | wrong signature: plain |')
  console.log('|---|---|---|---:|---:|---:|---:|')
  for (const [label, size] of SIZES.slice(0, 2)) {
    for (const shape of ['github', 'standard-webhooks']) {
      for (const containerName of CONTAINERS.slice(0, 2)) {
        const spec = SHAPES[shape]
        const body = jsonBody(size)
        const signed = new Signer(shape, { secret: spec.secret }).sign(body, { id: 'msg_2Lh3bd3C0uHB5GUQVcVbI8ib2vd' })
        const lower = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]))
        const h =
          containerName === 'signed headers only' ? lower : { ...otherHeaders(12 - spec.names.length, size), ...lower }
        const wrong = new Signer(shape, { secret: spec.secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) })
        const bad = { ...h }
        for (const [name, value] of Object.entries(wrong.sign(body, { id: 'msg_2Lh3bd3C0uHB5GUQVcVbI8ib2vd' }))) {
          if (/signature/i.test(name)) bad[name.toLowerCase()] = value
        }
        const verifier = new Verifier(shape, { secret: spec.secret })
        // A failure as the helpers take it: no stack captured (node/fast.js, quietly).
        const refused = (verify) => () => {
          const limit = Error.stackTraceLimit
          Error.stackTraceLimit = 0
          try {
            verify(body, bad)
            return false
          } catch (err) {
            return err.code === 'signature_mismatch'
          } finally {
            Error.stackTraceLimit = limit
          }
        }
        const plain = (b, headers) => _internal.plainVerify(verifier, b, headers)
        const samples = interleave(
          {
            fast: () => verifier.verify(body, h),
            plain: () => plain(body, h),
            fastBad: refused((b, headers) => verifier.verify(b, headers)),
            plainBad: refused(plain),
          },
          ROUND_MS,
        )
        const t = (name) => fmt(median(samples[name]))
        console.log(
          `| ${shape} | ${containerName} | ${label} | ${t('fast')} | ${t('plain')} | ${t('fastBad')} | ${t('plainBad')} |`,
        )
      }
    }
  }
  console.log('')
}

function asymmetric() {
  console.log('## Public-key schemes (for the record): hooksig vs crypto.verify with a KeyObject made once\n')
  console.log('| preset | body | hooksig | crypto.verify | ratio |')
  console.log('|---|---|---:|---:|---:|')
  const ed = crypto.generateKeyPairSync('ed25519')
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const presets = {
    discord: {
      signer: { privateKey: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) },
      verifier: { publicKey: Buffer.from(ed.publicKey.export({ format: 'jwk' }).x, 'base64url').toString('hex') },
      verify: (h, body) =>
        crypto.verify(
          null,
          Buffer.concat([Buffer.from(h['x-signature-timestamp']), body]),
          ed.publicKey,
          Buffer.from(h['x-signature-ed25519'], 'hex'),
        ),
    },
    sendgrid: {
      signer: { privateKey: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) },
      verifier: { publicKey: ec.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') },
      verify: (h, body) =>
        crypto.verify(
          'sha256',
          Buffer.concat([Buffer.from(h['x-twilio-email-event-webhook-timestamp']), body]),
          ec.publicKey,
          Buffer.from(h['x-twilio-email-event-webhook-signature'], 'base64'),
        ),
    },
  }
  for (const [label, size] of SIZES) {
    const body = jsonBody(size)
    for (const [preset, p] of Object.entries(presets)) {
      const signed = new Signer(preset, p.signer).sign(body)
      const h = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]))
      const verifier = new Verifier(preset, p.verifier)
      const samples = interleave(
        { hooksig: () => verifier.verify(body, h), crypto: () => p.verify(h, body) },
        size >= 1 << 20 ? ROUND_MS * 4 : ROUND_MS,
      )
      const ratio = median(samples.hooksig.map((ns, i) => samples.crypto[i] / ns))
      console.log(
        `| ${preset} | ${label} | ${fmt(median(samples.hooksig))} | ${fmt(median(samples.crypto))} | ${ratio.toFixed(2)}x |`,
      )
    }
  }
  console.log('')
}

async function peers() {
  console.log('## Peer libraries at 1 KiB (the same request; hooksig with the same preset)\n')
  console.log('| library | its time | hooksig | hooksig faster by |')
  console.log('|---|---:|---:|---:|')
  const body = jsonBody(1024).toString()
  const bytes = Buffer.from(body)
  const now = Math.floor(Date.now() / 1000)
  const whsec = 'whsec_' + Buffer.from('a 24-byte webhook key...').toString('base64')
  const id = 'msg_2Lh3bd3C0uHB5GUQVcVbI8ib2vd'
  const date = new Date(now * 1000)
  const std = new StandardWebhook(whsec)
  const stdHeaders = {
    'webhook-id': id,
    'webhook-timestamp': String(now),
    'webhook-signature': std.sign(id, date, body),
  }
  const svix = new SvixWebhook(whsec)
  const svixHeaders = { 'svix-id': id, 'svix-timestamp': String(now), 'svix-signature': svix.sign(id, date, body) }
  const stripeSecret = 'whsec_' + 'k'.repeat(32)
  const stripeHeader = stripeWebhooks.generateTestHeaderString({ payload: body, secret: stripeSecret, timestamp: now })
  const ghSecret = 'a webhook secret of ordinary length'
  const ghSig = 'sha256=' + crypto.createHmac('sha256', ghSecret).update(bytes).digest('hex')
  const rows = [
    [
      'standardwebhooks verify',
      () => std.verify(body, stdHeaders),
      new Verifier('standard-webhooks', { secret: whsec }),
      stdHeaders,
    ],
    ['svix verify', () => svix.verify(body, svixHeaders), new Verifier('svix', { secret: whsec }), svixHeaders],
    [
      'stripe webhooks.signature.verifyHeader',
      () => stripeWebhooks.signature.verifyHeader(bytes, stripeHeader, stripeSecret, 300),
      new Verifier('stripe', { secret: stripeSecret }),
      { 'stripe-signature': stripeHeader },
    ],
  ]
  for (const [name, peer, verifier, headers] of rows) {
    const samples = interleave({ peer, hooksig: () => verifier.verify(bytes, headers) }, ROUND_MS)
    const ratio = median(samples.hooksig.map((ns, i) => samples.peer[i] / ns))
    console.log(`| ${name} | ${fmt(median(samples.peer))} | ${fmt(median(samples.hooksig))} | ${ratio.toFixed(2)}x |`)
  }
  // octokit's verify is async: timed with await, as users call it.
  const github = new Verifier('github', { secret: ghSecret })
  if (!(await octokitVerify(ghSecret, body, ghSig))) throw new Error('octokit did not verify')
  const octokit = []
  const ours = []
  for (let round = 0; round < ROUNDS; round++) {
    octokit.push(await timeAsync(() => octokitVerify(ghSecret, body, ghSig), ROUND_MS))
    ours.push(timeSync(() => github.verify(bytes, { 'x-hub-signature-256': ghSig }), ROUND_MS))
  }
  const ratio = median(ours.map((ns, i) => octokit[i] / ns))
  console.log(
    `| @octokit/webhooks-methods verify (async) | ${fmt(median(octokit))} | ${fmt(median(ours))} | ${ratio.toFixed(2)}x |`,
  )
  console.log('')
}

/** Calls the async `fn` repeatedly for about `ms` of wall-clock time; returns ns per call. */
async function timeWall(fn, ms) {
  let n = 1
  for (;;) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await fn()
    const ns = Number(process.hrtime.bigint() - start)
    if (ns >= ms * 1e6 || n >= 1 << 20) return ns / n
    n = ns < 1e6 ? n * 10 : Math.ceil((n * ms * 1e6) / ns) + 1
  }
}

async function freePort() {
  const server = net.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The replay key's cost: made at verify (verifyKeyed, as the helpers with a store do) or never read. */
function replayKeyCost() {
  console.log('## The replay key (issue 11): made at verify, or only when read\n')
  console.log(
    '| shape | body | verify (key not made) | verify, key made (helpers with a store) | cost of the key | verify, then replayKey read (verified again) |',
  )
  console.log('|---|---|---:|---:|---:|---:|')
  const require = createRequire(import.meta.url)
  const { _internal } = require('hooksig')
  for (const [label, size] of SIZES.slice(0, 2)) {
    for (const shape of ['github', 'standard-webhooks']) {
      const spec = SHAPES[shape]
      const body = jsonBody(size)
      const signed = new Signer(shape, { secret: spec.secret }).sign(body, { id: 'msg_2Lh3bd3C0uHB5GUQVcVbI8ib2vd' })
      const h = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]))
      const verifier = new Verifier(shape, { secret: spec.secret })
      const samples = interleave(
        {
          plain: () => verifier.verify(body, h),
          keyed: () => _internal.verifyKeyed(verifier, body, h),
          read: () => verifier.verify(body, h).replayKey.length > 0,
        },
        ROUND_MS,
      )
      const cost = median(samples.keyed.map((ns, i) => ns - samples.plain[i]))
      console.log(
        `| ${shape} | ${label} | ${fmt(median(samples.plain))} | ${fmt(median(samples.keyed))} | ${fmt(cost)} | ${fmt(median(samples.read))} |`,
      )
    }
  }
  console.log('')
}

async function replay() {
  replayKeyCost()
  console.log('## Replay stores: claim (issue 11)\n')
  // The memory store: a claim of a new key (the key made per call, as a helper has it), of a
  // key held (a duplicate), and a release; CPU time per call.
  const memory = new MemoryReplayStore()
  let n = 0
  const held = 'stripe:evt_1Nxyz0held'
  memory.claim(held, 660)
  const samples = interleave(
    {
      'claim, a new key': () => memory.claim(`stripe:evt_${n++}`, 660),
      'claim, a key held (duplicate)': () => !memory.claim(held, 660),
      'claim + release': () => {
        const key = `svix:msg_${n++}`
        memory.claim(key, 660)
        memory.release(key)
        return true
      },
      'the key alone (template string)': () => `stripe:evt_${n++}`.length > 0,
    },
    ROUND_MS,
  )
  console.log('| MemoryReplayStore (the core, via the addon) | CPU time per call |')
  console.log('|---|---:|')
  for (const [name, times] of Object.entries(samples)) console.log(`| ${name} | ${fmt(median(times))} |`)
  console.log('')

  // Redis over loopback.
  let createClient
  try {
    ;({ createClient } = await import('redis'))
  } catch {
    console.log('(the redis package is not installed: npm install)\n')
    return
  }
  const port = await freePort()
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  )
  try {
    const client = createClient({ url: `redis://127.0.0.1:${port}`, disableOfflineQueue: true })
    client.on('error', () => {})
    for (let attempt = 0; ; attempt++) {
      try {
        await client.connect()
        break
      } catch (err) {
        if (attempt > 100) throw err
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    const store = new RedisReplayStore(client)
    const version = (await client.info('server')).match(/redis_version:(\S+)/)[1]
    const rows = {
      'store.claim, a new key, one at a time': () => store.claim(`stripe:evt_${n++}`, 660),
      'store.claim, a key held, one at a time': () => store.claim(held, 660),
      'client.set NX PX directly, one at a time': () => client.set(`raw:evt_${n++}`, '1', { NX: true, PX: 660000 }),
      'store.claim, 100 in flight (per claim)': async () => {
        const batch = []
        for (let i = 0; i < 100; i++) batch.push(store.claim(`stripe:evt_${n++}`, 660))
        await Promise.all(batch)
      },
    }
    await store.claim(held, 660)
    const wall = Object.fromEntries(Object.keys(rows).map((name) => [name, []]))
    const names = Object.keys(rows)
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        const ns = await timeWall(rows[name], ROUND_MS * 2)
        wall[name].push(name.includes('100 in flight') ? ns / 100 : ns)
      }
    }
    console.log(`| RedisReplayStore, redis-server ${version} on 127.0.0.1 | wall-clock time per claim | claims/s |`)
    console.log('|---|---:|---:|')
    for (const [name, times] of Object.entries(wall)) {
      const ns = median(times)
      console.log(`| ${name} | ${fmt(ns)} | ${Math.round(1e9 / ns).toLocaleString('en-US')} |`)
    }
    console.log('')
    await client.flushAll()
    client.destroy()
  } finally {
    server.kill('SIGTERM')
  }
}

function machine() {
  let lscpu
  try {
    lscpu = execSync(
      "lscpu | grep -E 'Model name|^CPU\\(s\\)|Flags' | sed 's/Flags:.*/Flags: (sha_ni avx2 avx512f ...)/'",
      {
        encoding: 'utf8',
      },
    ).trim()
  } catch {
    lscpu = `${os.cpus()[0].model}, ${os.cpus().length} CPUs`
  }
  return lscpu
}

console.log('# hooksig Node.js benchmark\n')
console.log(`${new Date().toISOString()}, Node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}`)
console.log(
  `load average at start: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
)
console.log(
  `${ROUNDS} interleaved rounds of ~${ROUND_MS} ms of CPU time per contestant (x4 at 1 MiB); times are medians of CPU time per call; ratios are medians of per-round ratios.\n`,
)
if (!ONLY || ONLY === 'matrix') matrix()
if (!ONLY || ONLY === 'paths') paths()
if (!ONLY || ONLY === 'asymmetric') asymmetric()
if (!ONLY || ONLY === 'peers') await peers()
if (!ONLY || ONLY === 'replay') await replay()
console.log(
  `load average at end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}\n`,
)
console.log(`<details><summary>lscpu</summary>\n\n\`\`\`\n${machine()}\n\`\`\`\n</details>`)
