// make test-dist (tests/dist/node.sh), ESM: the installed package through its ESM entry
// points: the same objects as CommonJS, and one Express request on 127.0.0.1. (The vectors
// run through ESM as tests/node/vectors.test.mjs, written by to-esm.js.)

import test from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { createRequire } from 'node:module'
import express from 'express'
import * as hooksig from 'hooksig'
import { Signer } from 'hooksig'
import { webhook } from 'hooksig/express'

const require = createRequire(path.join(process.cwd(), 'app.js'))

test('the ESM entry points export the objects of the CommonJS ones', () => {
  const cjs = require('hooksig')
  for (const name of Object.keys(cjs).filter((n) => !n.startsWith('_'))) assert.equal(hooksig[name], cjs[name], name)
  assert.equal(webhook, require('hooksig/express').webhook)
})

test('an Express app verifies a Stripe webhook (ESM)', async () => {
  const secret = 'whsec_dist-test-secret'
  const app = express()
  app.post('/webhooks/stripe', webhook('stripe', { secret }), (req, res) => res.json({ type: req.body.type }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    const url = `http://127.0.0.1:${server.address().port}/webhooks/stripe`
    const body = JSON.stringify({ type: 'invoice.paid' })
    const headers = { ...new Signer('stripe', { secret }).sign(body), 'content-type': 'application/json' }
    const ok = await fetch(url, { method: 'POST', body, headers })
    assert.equal(ok.status, 200)
    assert.deepEqual(await ok.json(), { type: 'invoice.paid' })
    const stale = new Signer('stripe', { secret }).sign(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 })
    const old = await fetch(url, { method: 'POST', body, headers: { ...stale, 'content-type': 'application/json' } })
    assert.equal(old.status, 403)
    assert.deepEqual(await old.json(), { error: 'timestamp_too_old' })
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})
