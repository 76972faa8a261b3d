'use strict'
// Replay protection: the core's memory store, the Redis store against a real redis-server
// (started here on a free loopback port, persistence off, stopped at the end), the helpers'
// options on real servers, and the multi-instance test: two server processes of each helper
// (Express middleware, fetch helper on node:http) sharing one Redis.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { Readable } = require('node:stream')
const express = require('express')
const { createClient } = require('redis')
const { Verifier, Signer, MemoryReplayStore, RedisReplayStore, ReplayStoreError } = require('hooksig')
const { webhook } = require('hooksig/express')
const { webhookHandler } = require('hooksig/fetch')
const { RedisServer } = require('./support/redis-server.js')

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const signer = new Signer('standard-webhooks', { secret: SECRET })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A signed Standard Webhooks delivery: its body and headers (the id names the delivery). */
function delivery(id, event = {}) {
  const body = JSON.stringify({ type: 'invoice.paid', ...event })
  return { id, body, headers: { 'content-type': 'application/json', ...signer.sign(body, { id }) } }
}

async function send(url, { body, headers }) {
  const res = await fetch(url, { method: 'POST', body, headers })
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = text
  }
  return { status: res.status, json, headers: res.headers }
}

/** Starts a node:http server on 127.0.0.1; resolves to its URL and a stop function. */
async function listen(handler) {
  const server = http.createServer(handler)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

/** node:http -> a WHATWG Request -> `handler` -> the answer, as Hono's Node adapter does. */
function fetchServer(handler) {
  return async (req, res) => {
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req),
      duplex: 'half',
    })
    let response
    try {
      response = await handler(request)
    } catch (err) {
      response = Response.json({ error: err.message }, { status: 500 })
    }
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  }
}

test('MemoryReplayStore: the core store, bounded, with TTL and release', () => {
  const store = new MemoryReplayStore({ maxKeys: 3 })
  assert.equal(store.maxKeys, 3)
  assert.equal(store.claim('k:1', 60), true)
  assert.equal(store.claim('k:1', 60), false)
  store.release('k:1')
  assert.equal(store.claim('k:1', 60), true)
  for (const key of ['k:2', 'k:3', 'k:4']) assert.equal(store.claim(key, 60), true)
  assert.equal(store.size, 3)
  assert.equal(store.claim('k:1', 60), true, 'the oldest claim went when the store was full')
  assert.equal(store.claim('k:0', 0), true)
  assert.equal(store.claim('k:0', 0), true, 'a claim of 0 s is over at once')
  assert.equal(new MemoryReplayStore().maxKeys, 100000)
  assert.match(require('node:util').inspect(store), /^MemoryReplayStore \{ maxKeys: 3, size: \d \}$/)
  for (const [build, Err] of [
    [() => new MemoryReplayStore({ maxKeys: 0 }), RangeError],
    [() => new MemoryReplayStore({ maxKeys: 1.5 }), RangeError],
    [() => new MemoryReplayStore({ maxKeys: '10' }), TypeError],
    [() => new MemoryReplayStore({ max_keys: 10 }), TypeError],
    [() => store.claim(42, 60), TypeError],
    [() => store.claim('k', -1), RangeError],
    [() => store.claim('k', 1.5), RangeError],
    [() => store.claim('k', '60'), TypeError],
    [() => store.release(null), TypeError],
  ]) {
    assert.throws(build, (err) => err instanceof Err && /^hooksig: /.test(err.message))
  }
})

test('Verified.replayKey and replayTtl, and the namespace and replayTtl options', () => {
  const { body, headers } = delivery('msg_key_1')
  const verifier = new Verifier('standard-webhooks', { secret: SECRET })
  const verified = verifier.verify(body, headers)
  assert.equal(verified.replayKey, 'standard-webhooks:msg_key_1')
  assert.equal(verified.replayTtl, 2 * 300 + 60)
  assert.equal(verifier.namespace, 'standard-webhooks')
  const named = new Verifier('standard-webhooks', { secret: SECRET, namespace: 'billing' })
  assert.equal(named.verify(body, headers).replayKey, 'billing:msg_key_1')
  // Without a window a claim lives replayTtl (default 24 h).
  const github = new Verifier('github', { secret: 's' })
  assert.equal(github.replayTtl, 86400)
  assert.equal(new Verifier('github', { secret: 's', replayTtl: 3600 }).replayTtl, 3600)
  const signed = new Signer('github', { secret: 's' }).sign('{}')
  assert.equal(github.verify('{}', signed).replayKey, `github:sig:${signed['X-Hub-Signature-256'].slice(7)}`)
  // Made when first read: a body changed in between is refused, never keyed as another delivery.
  const bytes = Buffer.from('{}')
  const later = github.verify(bytes, signed)
  bytes[0] = 0x5b
  assert.throws(
    () => later.replayKey,
    (err) => err.code === 'ERR_HOOKSIG_REQUEST_CHANGED',
  )
  assert.throws(() => new Verifier('github', { secret: 's', namespace: 5 }), TypeError)
  // Refused as Python, Ruby and C refuse them: an empty namespace, a claim that lives 0 s.
  assert.throws(() => new Verifier('github', { secret: 's', namespace: '' }), /namespace must not be empty/)
  assert.throws(() => new Verifier('github', { secret: 's', replayTtl: 0 }), /replayTtl must be at least 1/)
  assert.throws(() => new Verifier('github', { secret: 's', replayTtl: 0n }), RangeError)
  assert.throws(() => new Verifier('github', { secret: 's', replayTtl: -1 }), RangeError)
  assert.throws(() => new Signer('github', { secret: 's', namespace: 'x' }), TypeError)
})

test('RedisReplayStore against a real redis-server', async (t) => {
  const redis = await RedisServer.create()
  t.after(() => redis.close())
  const client = createClient({ url: redis.url, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  t.after(() => client.destroy())
  const store = new RedisReplayStore(client)
  assert.equal(store.prefix, 'hooksig:')

  await t.test('one SET NX PX per claim, prefixed; DEL per release', async () => {
    assert.equal(await store.claim('svix:msg_1', 660), true)
    assert.equal(await store.claim('svix:msg_1', 660), false)
    assert.equal(await client.get('hooksig:svix:msg_1'), '1')
    const ttl = await client.pTTL('hooksig:svix:msg_1')
    assert.ok(ttl > 650000 && ttl <= 660000, `PTTL ${ttl}`)
    await store.release('svix:msg_1')
    assert.equal(await client.exists('hooksig:svix:msg_1'), 0)
    assert.equal(await store.claim('svix:msg_1', 660), true)
    const other = new RedisReplayStore(client, { prefix: 'app:' })
    assert.equal(await other.claim('svix:msg_1', 60), true, 'another prefix is another key')
    assert.equal(await store.claim('svix:msg_0', 0), true)
    assert.equal(await client.exists('hooksig:svix:msg_0'), 0, 'a claim of 0 s stores nothing')
  })

  await t.test('concurrent claims of one key: exactly one wins', async () => {
    const wins = await Promise.all(Array.from({ length: 50 }, () => store.claim('race:1', 60)))
    assert.equal(wins.filter(Boolean).length, 1)
  })

  await t.test('a stopped Redis rejects with ReplayStoreError at once; a restarted one serves again', async () => {
    await redis.stop()
    for (const attempt of [() => store.claim('down:1', 60), () => store.release('down:1')]) {
      await assert.rejects(attempt, (err) => err instanceof ReplayStoreError && err.code === 'replay_store_unavailable')
    }
    await redis.start()
    let claimed
    for (let i = 0; i < 200 && claimed === undefined; i++) {
      claimed = await store.claim('down:1', 60).catch(() => sleep(50).then(() => undefined))
    }
    assert.equal(claimed, true)
  })

  await t.test('arguments', () => {
    assert.throws(() => new RedisReplayStore({}), TypeError)
    assert.throws(() => new RedisReplayStore(client, { prefix: 1 }), TypeError)
    assert.throws(() => new RedisReplayStore(client, { namespace: 'x' }), TypeError)
    return assert.rejects(() => store.claim('k', -5), RangeError)
  })
})

/** What a handler saw and how to fail it, for the in-process helper tests. */
function handlerState() {
  return { runs: [], failNext: 0, throwNext: 0 }
}

/** An Express app: the middleware with `options`, a handler that can fail. */
function expressApp(state, options) {
  const app = express()
  app.post('/webhook', webhook('standard-webhooks', { secret: SECRET, ...options }), (req, res) => {
    state.runs.push(req.webhook.id)
    if (state.throwNext > 0) {
      state.throwNext -= 1
      throw new Error('the handler failed')
    }
    if (state.failNext > 0) {
      state.failNext -= 1
      return res.status(503).json({ error: 'busy' })
    }
    res.json({ ok: true, key: req.webhook.replayKey })
  })
  // A throw is answered 500 by Express's own error handler (which logs no stack in 'test').
  app.set('env', 'test')
  return app
}

/** The fetch helper on node:http with `options`, a handler that can fail. */
function fetchApp(state, options) {
  return fetchServer(
    webhookHandler('standard-webhooks', { secret: SECRET, ...options }, async (hook) => {
      state.runs.push(hook.result.id)
      if (state.throwNext > 0) {
        state.throwNext -= 1
        throw new Error('the handler failed')
      }
      if (state.failNext > 0) {
        state.failNext -= 1
        return Response.json({ error: 'busy' }, { status: 503 })
      }
      return Response.json({ ok: true, key: hook.result.replayKey })
    }),
  )
}

/** A store that cannot be reached (its claim rejects, or throws). */
const brokenStores = {
  rejecting: { claim: async () => Promise.reject(new Error('ECONNREFUSED')), release: async () => {} },
  throwing: {
    claim: () => {
      throw new Error('down')
    },
    release: () => {},
  },
}

for (const [helper, app] of [
  ['Express middleware', (state, options) => expressApp(state, options)],
  ['fetch webhookHandler', (state, options) => fetchApp(state, options)],
]) {
  test(`${helper}: replay options on a real server (memory store)`, async (t) => {
    await t.test('a duplicate is answered 200 {"status":"duplicate"} without the handler', async () => {
      const state = handlerState()
      const { url, stop } = await listen(app(state, { replay: new MemoryReplayStore() }))
      t.after(stop)
      const d = delivery('msg_dup')
      assert.deepEqual((await send(`${url}/webhook`, d)).json, { ok: true, key: 'standard-webhooks:msg_dup' })
      const again = await send(`${url}/webhook`, d)
      assert.deepEqual([again.status, again.json], [200, { status: 'duplicate' }])
      assert.match(again.headers.get('content-type'), /^application\/json/)
      assert.deepEqual(state.runs, ['msg_dup'])
      // A tampered copy is refused before any claim.
      const tampered = await send(`${url}/webhook`, { ...d, body: d.body.replace('paid', 'void') })
      assert.deepEqual([tampered.status, tampered.json], [403, { error: 'signature_mismatch' }])
    })

    await t.test('the handler answers 5xx, or throws: the claim is released and the retry processed', async () => {
      const state = handlerState()
      const { url, stop } = await listen(app(state, { replay: new MemoryReplayStore() }))
      t.after(stop)
      const d = delivery('msg_fail')
      state.failNext = 1
      assert.equal((await send(`${url}/webhook`, d)).status, 503)
      assert.equal((await send(`${url}/webhook`, d)).status, 200)
      assert.deepEqual((await send(`${url}/webhook`, d)).json, { status: 'duplicate' })
      const e = delivery('msg_throw')
      state.throwNext = 1
      assert.equal((await send(`${url}/webhook`, e)).status, 500)
      assert.deepEqual((await send(`${url}/webhook`, e)).json, { ok: true, key: 'standard-webhooks:msg_throw' })
      assert.deepEqual(state.runs, ['msg_fail', 'msg_fail', 'msg_throw', 'msg_throw'])
    })

    await t.test('a slow release is done before the 5xx answer leaves', async () => {
      // A store whose release takes a while (a distant Redis): the provider's retry, sent as
      // soon as the 5xx arrives, must find the claim gone.
      const memory = new MemoryReplayStore()
      const slow = {
        claim: async (key, ttl) => memory.claim(key, ttl),
        release: async (key) => {
          await sleep(100)
          memory.release(key)
        },
      }
      const state = handlerState()
      const { url, stop } = await listen(app(state, { replay: slow }))
      t.after(stop)
      for (const fail of ['failNext', 'throwNext']) {
        const d = delivery(`msg_slow_${fail}`)
        state[fail] = 1
        assert.ok((await send(`${url}/webhook`, d)).status >= 500)
        assert.equal((await send(`${url}/webhook`, d)).json.ok, true)
      }
    })

    await t.test('duplicateStatus and duplicateBody', async () => {
      const state = handlerState()
      const options = { replay: new MemoryReplayStore(), duplicateStatus: 208, duplicateBody: { seen: true } }
      const { url, stop } = await listen(app(state, options))
      t.after(stop)
      const d = delivery('msg_custom')
      await send(`${url}/webhook`, d)
      const again = await send(`${url}/webhook`, d)
      assert.deepEqual([again.status, again.json], [208, { seen: true }])
    })

    for (const [name, store] of Object.entries(brokenStores)) {
      await t.test(
        `a store that cannot be reached (${name}): 503, or the handler with onStoreError 'allow'`,
        async () => {
          const state = handlerState()
          const { url, stop } = await listen(app(state, { replay: store }))
          t.after(stop)
          const answer = await send(`${url}/webhook`, delivery('msg_down'))
          assert.deepEqual([answer.status, answer.json], [503, { error: 'replay_store_unavailable' }])
          assert.deepEqual(state.runs, [])
          const allowing = await listen(app(state, { replay: store, onStoreError: 'allow' }))
          t.after(allowing.stop)
          assert.equal((await send(`${allowing.url}/webhook`, delivery('msg_down'))).status, 200)
          assert.deepEqual(state.runs, ['msg_down'])
        },
      )
    }

    await t.test('options are checked when the helper is built', () => {
      const build = (options) =>
        helper.startsWith('Express')
          ? webhook('standard-webhooks', { secret: SECRET, ...options })
          : webhookHandler('standard-webhooks', { secret: SECRET, ...options }, () => new Response())
      assert.throws(() => build({ replay: {} }), TypeError)
      assert.throws(() => build({ replay: new MemoryReplayStore(), onStoreError: 'ignore' }), TypeError)
      assert.throws(() => build({ replay: new MemoryReplayStore(), duplicateStatus: 99 }), TypeError)
      assert.throws(() => build({ onStoreError: 'allow' }), TypeError, 'onStoreError without a store')
      assert.throws(() => build({ onSecret: 'store it' }), TypeError)
    })
  })
}

/** Starts one instance of tests/node/support/replay-app.js; resolves to its URL and a stop function. */
function startApp(helper, instance, redisUrl, countFile) {
  const child = spawn(process.execPath, [path.join(__dirname, 'support', 'replay-app.js')], {
    env: {
      ...process.env,
      HELPER: helper,
      PORT: '0',
      REDIS_URL: redisUrl,
      COUNT_FILE: countFile,
      SECRET,
      INSTANCE: instance,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening (\d+)/.exec(out)
      if (match) {
        resolve({
          url: `http://127.0.0.1:${match[1]}/webhook`,
          stop: () => {
            if (child.exitCode !== null) return Promise.resolve()
            const exited = new Promise((done) => child.once('exit', done))
            child.kill('SIGTERM')
            return exited
          },
        })
      }
    })
    child.on('exit', (code) => reject(new Error(`${instance} exited (${code}): ${stderr}`)))
  })
}

/** The handler's runs, as the apps wrote them: `[instance, id]` per run. */
function runsOf(countFile) {
  if (!fs.existsSync(countFile)) return []
  return fs
    .readFileSync(countFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '))
}

const runsFor = (countFile, id) => runsOf(countFile).filter(([, seen]) => seen === id)

for (const helper of ['express', 'fetch']) {
  test(`multi-instance (${helper}): two server processes, one Redis`, async (t) => {
    const redis = await RedisServer.create()
    t.after(() => redis.close())
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hooksig-runs-'))
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
    const countFile = path.join(dir, 'runs')
    const a = await startApp(helper, 'a', redis.url, countFile)
    t.after(a.stop)
    const b = await startApp(helper, 'b', redis.url, countFile)
    t.after(b.stop)
    const instances = [a.url, b.url]

    await t.test('20 concurrent identical deliveries, split across both: the handler ran exactly once', async () => {
      const d = delivery('msg_twenty')
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(instances[i % 2], d)))
      assert.ok(
        answers.every((x) => x.status === 200),
        JSON.stringify(answers.map((x) => x.status)),
      )
      assert.equal(answers.filter((x) => x.json.ok === true).length, 1)
      assert.equal(answers.filter((x) => x.json.status === 'duplicate').length, 19)
      assert.equal(runsFor(countFile, 'msg_twenty').length, 1)
    })

    for (const how of ['answers 500', 'throws']) {
      await t.test(`the handler ${how} once: the provider's retry, on the other instance, is processed`, async () => {
        const id = `msg_fail_${how.replace(' ', '_')}`
        const d = delivery(id, { fail: 1, throw: how === 'throws' })
        assert.equal((await send(a.url, d)).status, 500)
        const retry = await send(b.url, d)
        assert.deepEqual([retry.status, retry.json], [200, { ok: true, instance: 'b' }])
        assert.deepEqual((await send(a.url, d)).json, { status: 'duplicate' })
        assert.deepEqual(
          runsFor(countFile, id).map(([instance]) => instance),
          ['a', 'b'],
        )
      })
    }

    await t.test('Redis stopped: every answer is 503 and no handler runs', async () => {
      const before = runsOf(countFile).length
      await redis.stop()
      const fresh = Array.from({ length: 6 }, (_, i) => delivery(`msg_outage_${i}`))
      const answers = await Promise.all(fresh.map((d, i) => send(instances[i % 2], d)))
      for (const answer of answers) {
        assert.deepEqual([answer.status, answer.json], [503, { error: 'replay_store_unavailable' }])
      }
      assert.equal(runsOf(countFile).length, before)
    })

    await t.test('Redis started again: the next delivery is processed (and the outage retries)', async () => {
      await redis.start()
      // The provider retries a 503; the apps' clients reconnect within a few hundred ms.
      const d = delivery('msg_after')
      let answer
      for (let attempt = 0; attempt < 200; attempt++) {
        answer = await send(instances[attempt % 2], d)
        if (answer.status !== 503) break
        await sleep(50)
      }
      assert.deepEqual([answer.status, answer.json.ok], [200, true])
      assert.equal(runsFor(countFile, 'msg_after').length, 1)
      assert.deepEqual((await send(a.url, d)).json, { status: 'duplicate' })
      assert.deepEqual((await send(b.url, d)).json, { status: 'duplicate' })
      // The deliveries refused during the outage are processed when retried.
      for (let i = 0; i < 6; i++) {
        const retry = await send(instances[(i + 1) % 2], delivery(`msg_outage_${i}`))
        assert.equal(retry.json.ok, true)
        assert.equal(runsFor(countFile, `msg_outage_${i}`).length, 1)
      }
    })
  })
}
