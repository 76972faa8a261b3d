'use strict'
// The Aghanim and Noyo webhook handlers from the providers' docs, rebuilt on hooksig.
//
// The providers' snippets compute an HMAC over `${timestamp}.${body}` with
// crypto.createHmac and compare it by hand. Here hooksig does all of it: the raw bytes
// (no JSON parser can re-encode them), constant-time comparison that cannot throw on a
// wrong-length signature, Noyo's comma list of signatures, and a 300 s replay window.
//
//   AGHANIM_SECRET=... NOYO_SECRET=... PORT=8000 node examples/express/server.js
//
// Failures answer 403 with {"error": "<code>"} (signature_mismatch, missing_header, ...).
//
// Replay protection: with REDIS_URL set, every instance of the app claims each verified
// delivery in that Redis, so the same delivery (a provider's retry, a replayed capture) is
// processed once whichever instance gets it; a duplicate is answered 200
// {"status": "duplicate"}. REPLAY=memory claims in this process only; REPLAY=off (or no
// REDIS_URL) turns it off. PROCESSED_LOG names a file to append the event_id of each
// processed Aghanim event to (`make load` counts them).
//
//   REDIS_URL=redis://127.0.0.1:6379 AGHANIM_SECRET=... NOYO_SECRET=... PORT=8001 node examples/express/server.js

const fs = require('node:fs')
const express = require('express')
const { MemoryReplayStore, RedisReplayStore } = require('hooksig')
const { webhook, captureRawBody } = require('hooksig/express')

/**
 * Builds the app: `aghanimSecret` and `noyoSecret` are the two webhook secrets; `replay` a
 * replay store (or undefined for none); `processedLog` a file for the processed event ids.
 */
function createApp({ aghanimSecret, noyoSecret, replay, processedLog }) {
  const app = express()

  // A JSON parser for the rest of the app. `captureRawBody` keeps the raw bytes on
  // req.rawBody, so the webhook routes below can verify them even though this ran first.
  app.use(express.json({ verify: captureRawBody }))

  // Aghanim: X-Aghanim-Signature = hex HMAC-SHA256 of `{timestamp}.{body}`,
  // timestamp in X-Aghanim-Signature-Timestamp. Dispatch on event_type; unknown is 400.
  app.post('/webhooks/aghanim', webhook('aghanim', { secret: aghanimSecret, replay }), (req, res) => {
    const { event_type: eventType, event_id: eventId, event_data: eventData } = req.body || {}
    switch (eventType) {
      case 'player.verify':
        // One whole line per write (O_APPEND), whichever instance processed it.
        if (processedLog) fs.appendFileSync(processedLog, `${eventId}\n`)
        return res.json({ player_id: eventData && eventData.player_id })
      case 'item.add':
      case 'item.remove':
        return res.json({ status: 'ok' })
      default:
        return res.status(400).json({ error: 'unknown_event_type' })
    }
  })

  // Noyo: X-Noyo-Signature is a comma list of hex HMAC-SHA256 of `{timestamp}.{body}`
  // (one per active key), timestamp in X-Noyo-Timestamp.
  app.post('/webhooks/noyo', webhook('noyo', { secret: noyoSecret, replay }), (req, res) => {
    const event = req.body || {}
    res.json({ received: event.event_type || null, timestamp: req.webhook.timestamp })
  })

  return app
}

/** The replay store the environment asks for: Redis (REDIS_URL), this process, or none. */
async function replayStore(env) {
  if (env.REPLAY === 'off') return undefined
  if (env.REPLAY === 'memory') return new MemoryReplayStore()
  if (!env.REDIS_URL) return undefined
  const { createClient } = require('redis')
  // disableOfflineQueue: while Redis is away a claim fails at once and the delivery is
  // answered 503 (the provider retries), instead of waiting for a reconnection.
  const client = createClient({ url: env.REDIS_URL, disableOfflineQueue: true })
  client.on('error', (err) => console.error(`redis: ${err.message}`))
  await client.connect()
  return new RedisReplayStore(client)
}

module.exports = { createApp, replayStore }

if (require.main === module) {
  const aghanimSecret = process.env.AGHANIM_SECRET
  const noyoSecret = process.env.NOYO_SECRET
  if (!aghanimSecret || !noyoSecret) {
    console.error('set AGHANIM_SECRET and NOYO_SECRET')
    process.exit(1)
  }
  const port = Number(process.env.PORT || 8000)
  replayStore(process.env).then(
    (replay) => {
      const processedLog = process.env.PROCESSED_LOG
      createApp({ aghanimSecret, noyoSecret, replay, processedLog }).listen(port, '127.0.0.1', () => {
        console.log(
          `listening on http://127.0.0.1:${port}${replay ? ` (replay protection: ${replay.constructor.name})` : ''}`,
        )
      })
    },
    (err) => {
      console.error(`cannot reach Redis at REDIS_URL: ${err.message}`)
      process.exit(1)
    },
  )
}
