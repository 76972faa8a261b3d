'use strict'
// Peers as oracles: the providers' own SDKs sign, hooksig verifies; hooksig signs, they
// verify. standardwebhooks, svix, stripe and @octokit/webhooks-methods, from npm.

const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { Webhook: StandardWebhook } = require('standardwebhooks')
const { Webhook: SvixWebhook } = require('svix')
const Stripe = require('stripe')
const { Signer, Verifier, VerificationError } = require('hooksig')

const stripeWebhooks = Stripe.webhooks || new Stripe('sk_test_hooksig').webhooks
const now = () => Math.floor(Date.now() / 1000)
// JSON bodies (the peers parse them), with non-ASCII text, odd spacing and a large one.
const BODIES = [
  '{}',
  '{"type":"invoice.paid","amount":100}',
  '{ "text" :  "héllo ✓ 🎉",\n "nul": "\\u0000" }',
  JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => ({ i, s: 'x'.repeat(20) })) }),
]

function whsec() {
  return 'whsec_' + crypto.randomBytes(24).toString('base64')
}

for (const [name, Peer, prefix] of [
  ['standardwebhooks', StandardWebhook, 'webhook'],
  ['svix', SvixWebhook, 'svix'],
]) {
  const preset = prefix === 'webhook' ? 'standard-webhooks' : 'svix'
  test(`${name} signs, hooksig verifies; hooksig signs, ${name} verifies`, () => {
    for (const body of BODIES) {
      const secret = whsec()
      const peer = new Peer(secret)
      const ts = now()
      const id = `msg_${crypto.randomBytes(6).toString('hex')}`
      const headers = {
        [`${prefix}-id`]: id,
        [`${prefix}-timestamp`]: String(ts),
        [`${prefix}-signature`]: peer.sign(id, new Date(ts * 1000), body),
      }
      const verifier = new Verifier(preset, { secret })
      assert.deepEqual(verifier.verify(body, headers).toJSON(), {
        timestamp: ts,
        id,
        idBytes: Buffer.from(id),
        secretIndex: 0,
        replayKey: `${preset}:${id}`,
        replayTtl: 660,
      })
      assert.throws(() => verifier.verify(body + '!', headers), VerificationError)
      // Rotation: the peer's signature under the old secret, next to a new one.
      const rotating = new Verifier(preset, { secrets: [whsec(), secret] })
      assert.equal(rotating.verify(body, headers).secretIndex, 1)

      const ours = new Signer(preset, { secret }).sign(body)
      assert.deepEqual(peer.verify(body, ours), JSON.parse(body))
      const tampered = {
        ...ours,
        [`${prefix}-signature`]: new Signer(preset, { secret: whsec() }).sign(body)[`${prefix}-signature`],
      }
      assert.throws(() => peer.verify(body, tampered))
    }
  })
}

test('stripe signs (generateTestHeaderString), hooksig verifies; hooksig signs, stripe verifies', () => {
  for (const body of BODIES) {
    const secret = 'whsec_' + crypto.randomBytes(16).toString('hex')
    const ts = now()
    const header = stripeWebhooks.generateTestHeaderString({ payload: body, secret, timestamp: ts })
    const verifier = new Verifier('stripe', { secret })
    assert.deepEqual(verifier.verify(body, { 'stripe-signature': header }).toJSON(), {
      timestamp: ts,
      id: null,
      idBytes: null,
      secretIndex: 0,
      // Stripe's header signs no id: the delivery is named by its v1 signature.
      replayKey: `stripe:sig:${/v1=([0-9a-f]+)/.exec(header)[1]}`,
      replayTtl: 660,
    })
    assert.throws(
      () => verifier.verify(body + ' ', { 'stripe-signature': header }),
      (e) => e.code === 'signature_mismatch',
    )

    const ours = new Signer('stripe', { secret }).sign(body)
    assert.equal(stripeWebhooks.signature.verifyHeader(body, ours['Stripe-Signature'], secret, 300), true)
    assert.throws(() => stripeWebhooks.signature.verifyHeader(body, ours['Stripe-Signature'], secret + 'x', 300))
    assert.deepEqual(stripeWebhooks.constructEvent(body, ours['Stripe-Signature'], secret), JSON.parse(body))
  }
})

test('@octokit/webhooks-methods signs, hooksig verifies; hooksig signs, octokit verifies', async () => {
  const { sign, verify } = await import('@octokit/webhooks-methods')
  for (const body of BODIES) {
    const secret = crypto.randomBytes(12).toString('hex')
    const signature = await sign(secret, body)
    const verifier = new Verifier('github', { secret })
    assert.deepEqual(verifier.verify(body, { 'x-hub-signature-256': signature }).toJSON(), {
      timestamp: null,
      id: null,
      idBytes: null,
      secretIndex: 0,
      // No window: a claim lives the default 24 h.
      replayKey: `github:sig:${signature.slice(7)}`,
      replayTtl: 86400,
    })
    assert.equal(verifier.isValid(body + '.', { 'x-hub-signature-256': signature }), false)

    const ours = new Signer('github', { secret }).sign(body)
    assert.equal(await verify(secret, body, ours['X-Hub-Signature-256']), true)
    assert.equal(await verify(secret + '.', body, ours['X-Hub-Signature-256']), false)
  }
  // GitHub's documented example.
  const gh = await sign("It's a Secret to Everybody", 'Hello, World!')
  assert.equal(gh, 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17')
  assert.ok(
    new Verifier('github', { secret: "It's a Secret to Everybody" }).isValid('Hello, World!', [
      ['X-Hub-Signature-256', gh],
    ]),
  )
})
