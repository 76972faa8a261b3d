'use strict'
// make test-dist (tests/dist/node.sh), CommonJS: hooksig as npm installed it from dist/'s
// two tarballs into a fresh app, and one Express request through it on 127.0.0.1.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const express = require('express')
const { Signer } = require('hooksig')
const { webhook, captureRawBody } = require('hooksig/express')

const SECRET = 'whsec_dist-test-secret'
const modules = fs.realpathSync(path.join(process.cwd(), 'node_modules'))

test('hooksig and its addon come from the installed packages', () => {
  assert.equal(require.resolve('hooksig'), path.join(modules, 'hooksig', 'node', 'index.js'))
  const addon = path.join(modules, 'hooksig-linux-x64-gnu', 'hooksig.linux-x64-gnu.node')
  assert.ok(require.cache[addon], `the addon loaded is ${addon}`)
  assert.equal(require('hooksig/package.json').version, process.env.HOOKSIG_DIST_VERSION)
  const dir = path.join(modules, 'hooksig', 'node')
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.endsWith('.node')),
    [],
    'the main package carries no addon',
  )
})

test('an Express app verifies a Stripe webhook (CommonJS)', async () => {
  const app = express()
  app.use(express.json({ verify: captureRawBody }))
  app.post('/webhooks/stripe', webhook('stripe', { secret: SECRET }), (req, res) => {
    res.json({ ok: true, type: req.body.type, secretIndex: req.webhook.secretIndex })
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    const url = `http://127.0.0.1:${server.address().port}/webhooks/stripe`
    const body = JSON.stringify({ type: 'invoice.paid', id: 'evt_1' })
    const headers = { ...new Signer('stripe', { secret: SECRET }).sign(body), 'content-type': 'application/json' }
    const ok = await fetch(url, { method: 'POST', body, headers })
    assert.equal(ok.status, 200)
    assert.deepEqual(await ok.json(), { ok: true, type: 'invoice.paid', secretIndex: 0 })
    const tampered = await fetch(url, { method: 'POST', body: body.replace('paid', 'void'), headers })
    assert.equal(tampered.status, 403)
    assert.deepEqual(await tampered.json(), { error: 'signature_mismatch' })
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})
