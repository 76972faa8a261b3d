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

const express = require('express')
const { webhook, captureRawBody } = require('hooksig/express')

/** Builds the app; `secrets` are the two webhook secrets. */
function createApp({ aghanimSecret, noyoSecret }) {
  const app = express()

  // A JSON parser for the rest of the app. `captureRawBody` keeps the raw bytes on
  // req.rawBody, so the webhook routes below can verify them even though this ran first.
  app.use(express.json({ verify: captureRawBody }))

  // Aghanim: X-Aghanim-Signature = hex HMAC-SHA256 of `{timestamp}.{body}`,
  // timestamp in X-Aghanim-Signature-Timestamp. Dispatch on event_type; unknown is 400.
  app.post('/webhooks/aghanim', webhook('aghanim', { secret: aghanimSecret }), (req, res) => {
    const { event_type: eventType, event_data: eventData } = req.body || {}
    switch (eventType) {
      case 'player.verify':
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
  app.post('/webhooks/noyo', webhook('noyo', { secret: noyoSecret }), (req, res) => {
    const event = req.body || {}
    res.json({ received: event.event_type || null, timestamp: req.webhook.timestamp })
  })

  return app
}

module.exports = { createApp }

if (require.main === module) {
  const aghanimSecret = process.env.AGHANIM_SECRET
  const noyoSecret = process.env.NOYO_SECRET
  if (!aghanimSecret || !noyoSecret) {
    console.error('set AGHANIM_SECRET and NOYO_SECRET')
    process.exit(1)
  }
  const port = Number(process.env.PORT || 8000)
  createApp({ aghanimSecret, noyoSecret }).listen(port, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${port}`)
  })
}
