// hooksig for Node.js against node:crypto and the peer libraries, in one process.
//
//   node bench/node_bench.mjs            (or `make bench-node`; the addon is built in release mode)
//   BENCH_ROUNDS=25 BENCH_MS=60 node bench/node_bench.mjs   (more rounds, steadier medians)
//
// Every contestant verifies the same valid request (same body, same headers object) and
// must return success; they run interleaved, round after round, so machine load hits them
// alike. Each time is the median over the rounds; each ratio is the median of the
// per-round ratios (hooksig and the other timed back to back in the same round).
//
// Contestants, each paired with the hooksig preset of the same scheme:
// - node:crypto, provider-doc style: createHmac(...).digest('hex'), Buffer.from both hex
//   strings, a length check, timingSafeEqual (GitHub's and most providers' snippet);
// - node:crypto, two more forms: digest() to bytes, decode the header with
//   Buffer.from(hex, 'hex'), length check, timingSafeEqual; the same with a prepared
//   KeyObject. The bars compare against the fastest of the three node:crypto forms at
//   each size, whichever it is in that run;
// - standardwebhooks and svix `verify` (standard-webhooks / svix presets);
// - stripe `webhooks.signature.verifyHeader` (stripe preset);
// - @octokit/webhooks-methods `verify` (async; github preset).

import crypto from 'node:crypto'
import os from 'node:os'
import { execSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { Verifier } from 'hooksig'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { verify as octokitVerify } from '@octokit/webhooks-methods'

const require = createRequire(import.meta.url)
const Stripe = require('stripe')
const stripeWebhooks = Stripe.webhooks || new Stripe('sk_test_hooksig').webhooks

const ROUNDS = Number(process.env.BENCH_ROUNDS || 15)
const ROUND_MS = Number(process.env.BENCH_MS || 60)
const SIZES = [
  ['0 B', 0],
  ['1 KiB', 1024],
  ['16 KiB', 16 * 1024],
  ['1 MiB', 1024 * 1024],
]

/** A JSON body of exactly `size` bytes (`{}` padded); 0 gives an empty body. */
function jsonBody(size) {
  if (size === 0) return ''
  if (size < 12) return '{}'.padEnd(size, ' ')
  const head = '{"data":"'
  return head + 'x'.repeat(size - head.length - 2) + '"}'
}

/** Calls `fn` repeatedly for about `ms` and returns ns per call. */
function timeSync(fn, ms) {
  let n = 1
  for (;;) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    const dt = Number(process.hrtime.bigint() - t0)
    if (dt >= ms * 1e6 || n >= 1 << 24) return dt / n
    n = dt < 1e6 ? n * 10 : Math.ceil((n * ms * 1e6) / dt)
  }
}

async function timeAsync(fn, ms) {
  let n = 1
  for (;;) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await fn()
    const dt = Number(process.hrtime.bigint() - t0)
    if (dt >= ms * 1e6 || n >= 1 << 24) return dt / n
    n = dt < 1e6 ? n * 10 : Math.ceil((n * ms * 1e6) / dt)
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function must(ok, name) {
  if (!ok) throw new Error(`${name} did not verify the valid request`)
}

/** Builds every contestant for one body size: name -> { fn, async }. */
function contestants(size) {
  const body = jsonBody(size)
  const bytes = Buffer.from(body)
  const list = {}
  const now = Math.floor(Date.now() / 1000)

  // GitHub-style: hex HMAC-SHA256 of the body.
  const secret = 'a webhook secret of ordinary length'
  const key = crypto.createSecretKey(Buffer.from(secret))
  const sig = 'sha256=' + crypto.createHmac('sha256', secret).update(bytes).digest('hex')
  const ghHeaders = { 'x-hub-signature-256': sig }
  const github = new Verifier('github', { secret })
  list['hooksig github'] = { fn: () => github.verify(bytes, ghHeaders) }
  list['crypto doc style'] = {
    fn: () => {
      const signature = Buffer.from(ghHeaders['x-hub-signature-256'])
      const expected = Buffer.from('sha256=' + crypto.createHmac('sha256', secret).update(bytes).digest('hex'))
      return signature.length === expected.length && crypto.timingSafeEqual(signature, expected)
    },
  }
  list['crypto fastest: bytes'] = {
    fn: () => {
      const expected = crypto.createHmac('sha256', secret).update(bytes).digest()
      const given = Buffer.from(ghHeaders['x-hub-signature-256'].slice(7), 'hex')
      return given.length === expected.length && crypto.timingSafeEqual(given, expected)
    },
  }
  list['crypto fastest: KeyObject'] = {
    fn: () => {
      const expected = crypto.createHmac('sha256', key).update(bytes).digest()
      const given = Buffer.from(ghHeaders['x-hub-signature-256'].slice(7), 'hex')
      return given.length === expected.length && crypto.timingSafeEqual(given, expected)
    },
  }
  // octokit refuses an empty payload: at 0 B it gets `{}` (2 bytes).
  const octokitBody = size === 0 ? '{}' : body
  const octokitSig = 'sha256=' + crypto.createHmac('sha256', secret).update(octokitBody).digest('hex')
  list['octokit'] = { fn: () => octokitVerify(secret, octokitBody, octokitSig), async: true }

  // Standard Webhooks and Svix. Their verify parses the JSON it returns, so the body is
  // JSON (at 0 B, `{}` for them and for hooksig's paired rows).
  const whsec = 'whsec_' + Buffer.from('a 24-byte webhook key...').toString('base64')
  const id = 'msg_2Lh3bd3C0uHB5GUQVcVbI8ib2vd'
  const peerBody = size === 0 ? '{}' : body
  const date = new Date(now * 1000)
  const std = new StandardWebhook(whsec)
  const stdHeaders = {
    'webhook-id': id,
    'webhook-timestamp': String(now),
    'webhook-signature': std.sign(id, date, peerBody),
  }
  const stdVerifier = new Verifier('standard-webhooks', { secret: whsec })
  const peerBytes = Buffer.from(peerBody)
  list['hooksig standard-webhooks'] = { fn: () => stdVerifier.verify(peerBytes, stdHeaders) }
  list['standardwebhooks'] = { fn: () => std.verify(peerBody, stdHeaders) }
  const svix = new SvixWebhook(whsec)
  const svixHeaders = { 'svix-id': id, 'svix-timestamp': String(now), 'svix-signature': svix.sign(id, date, peerBody) }
  const svixVerifier = new Verifier('svix', { secret: whsec })
  list['hooksig svix'] = { fn: () => svixVerifier.verify(peerBytes, svixHeaders) }
  list['svix'] = { fn: () => svix.verify(peerBody, svixHeaders) }

  // Stripe.
  const stripeSecret = 'whsec_' + 'k'.repeat(32)
  const stripeHeader = stripeWebhooks.generateTestHeaderString({ payload: body, secret: stripeSecret, timestamp: now })
  const stripeHeaders = { 'stripe-signature': stripeHeader }
  const stripeVerifier = new Verifier('stripe', { secret: stripeSecret })
  list['hooksig stripe'] = { fn: () => stripeVerifier.verify(bytes, stripeHeaders) }
  list['stripe verifyHeader'] = {
    fn: () => stripeWebhooks.signature.verifyHeader(bytes, stripeHeaders['stripe-signature'], stripeSecret, 300),
  }

  // A realistic IncomingHttpHeaders: hooksig reads every header, the snippets one.
  const fullHeaders = {
    host: 'api.example.com',
    'user-agent': 'GitHub-Hookshot/044aadd',
    accept: '*/*',
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    'x-github-event': 'push',
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-github-hook-id': '292430182',
    'x-forwarded-for': '140.82.115.1',
    'x-hub-signature-256': sig,
  }
  list['hooksig github, 10 headers'] = { fn: () => github.verify(bytes, fullHeaders) }
  return list
}

async function checkAll(list) {
  for (const [name, c] of Object.entries(list)) {
    const r = c.async ? await c.fn() : c.fn()
    must(r === true || (r && typeof r === 'object'), name)
  }
}

function machine() {
  const cpu = os.cpus()[0]
  let lscpu = ''
  try {
    lscpu = execSync('lscpu | head -20', { encoding: 'utf8' })
  } catch {
    lscpu = `${cpu.model}, ${os.cpus().length} CPUs`
  }
  return { date: new Date().toISOString(), node: process.version, cpu: cpu.model, cpus: os.cpus().length, lscpu }
}

const fmt = (ns) =>
  ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`
const mbps = (bytes, ns) => (bytes === 0 ? '' : ` (${((bytes / ns) * 1e3).toFixed(0)} MB/s)`)

async function main() {
  const info = machine()
  console.log(`# hooksig Node.js benchmark\n\n${info.date}, Node ${info.node}, ${info.cpu} x${info.cpus}`)
  console.log(
    `${ROUNDS} interleaved rounds of ~${ROUND_MS} ms per contestant; median time per verification; ratios are medians of per-round ratios.\n`,
  )
  const results = {}
  for (const [label, size] of SIZES) {
    const list = contestants(size)
    await checkAll(list)
    const samples = Object.fromEntries(Object.keys(list).map((k) => [k, []]))
    const ms = size >= 1 << 20 ? ROUND_MS * 2 : ROUND_MS
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, c] of Object.entries(list)) {
        samples[name].push(c.async ? await timeAsync(c.fn, ms) : timeSync(c.fn, ms))
      }
    }
    results[label] = {
      size,
      samples,
      ns: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])),
    }
    const r = results[label].ns
    // A ratio is the median of the per-round ratios: the two were timed back to back in
    // each round, so load that comes and goes hits both.
    const ratio = (slow, fast) => median(samples[slow].map((ns, i) => ns / samples[fast][i]))
    console.log(`## ${label}\n`)
    console.log('| contestant | time per verify | vs hooksig (same scheme) |')
    console.log('|---|---|---|')
    const pair = {
      'crypto doc style': 'hooksig github',
      'crypto fastest: bytes': 'hooksig github',
      'crypto fastest: KeyObject': 'hooksig github',
      octokit: 'hooksig github',
      standardwebhooks: 'hooksig standard-webhooks',
      svix: 'hooksig svix',
      'stripe verifyHeader': 'hooksig stripe',
    }
    for (const [name, ns] of Object.entries(r)) {
      const vs = pair[name] ? `hooksig ${ratio(name, pair[name]).toFixed(2)}x faster` : ''
      console.log(`| ${name} | ${fmt(ns)}${mbps(size, ns)} | ${vs} |`)
    }
    console.log('')
  }

  // The bars of issue 4.
  // Per-round ratios, medians; against node:crypto, the fastest of its forms in each round.
  const roundRatio = (label, slowNames, fast) => {
    const { samples } = results[label]
    return median(samples[fast].map((ns, i) => Math.min(...slowNames.map((n) => samples[n][i])) / ns))
  }
  const CRYPTO = ['crypto doc style', 'crypto fastest: bytes', 'crypto fastest: KeyObject']
  const bars = [
    ['1 KiB: >= 2.5x faster than the fastest node:crypto form', roundRatio('1 KiB', CRYPTO, 'hooksig github'), 2.5],
    [
      '1 KiB: >= 10x faster than standardwebhooks',
      roundRatio('1 KiB', ['standardwebhooks'], 'hooksig standard-webhooks'),
      10,
    ],
    ['1 KiB: >= 10x faster than svix', roundRatio('1 KiB', ['svix'], 'hooksig svix'), 10],
    ['1 MiB: >= 95% of node:crypto throughput', roundRatio('1 MiB', CRYPTO, 'hooksig github'), 0.95],
  ]
  console.log('## Bars\n')
  console.log('| bar | measured | met |')
  console.log('|---|---|---|')
  for (const [bar, value, min] of bars)
    console.log(`| ${bar} | ${value.toFixed(2)}x | ${value >= min ? 'yes' : 'NO'} |`)
  console.log(`\n<details><summary>lscpu</summary>\n\n\`\`\`\n${info.lscpu.trim()}\n\`\`\`\n</details>`)
}

await main()
