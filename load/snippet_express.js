'use strict'
// examples/express/server.js's Aghanim route, verified the way the provider's docs do it.
//
// The baseline for `make load`: crypto.createHmac('sha256', secret) over
// `${timestamp}.${rawBody}`, hex digest, crypto.timingSafeEqual (after a length check, which
// it needs to not throw); no replay window. Same Express app shape (express.json with the raw
// body kept) and the same server as the hooksig example, so requests/s compare the verifiers.
//
//   AGHANIM_SECRET=... PORT=8001 node load/snippet_express.js

const crypto = require('crypto')
const express = require('express')

function createApp({ aghanimSecret }) {
  const app = express()
  app.use(
    express.json({
      verify: (req, _res, buf) => {
        req.rawBody = buf
      },
    }),
  )

  app.post('/webhooks/aghanim', (req, res) => {
    const timestamp = req.get('x-aghanim-signature-timestamp') || ''
    const signature = req.get('x-aghanim-signature') || ''
    const expected = crypto
      .createHmac('sha256', aghanimSecret)
      .update(`${timestamp}.${req.rawBody || ''}`)
      .digest('hex')
    const a = Buffer.from(expected)
    const b = Buffer.from(signature)
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
      return res.status(403).json({ error: 'signature_mismatch' })
    }
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
  return app
}

module.exports = { createApp }

if (require.main === module) {
  const aghanimSecret = process.env.AGHANIM_SECRET
  if (!aghanimSecret) {
    console.error('set AGHANIM_SECRET')
    process.exit(1)
  }
  const port = Number(process.env.PORT || 8001)
  createApp({ aghanimSecret }).listen(port, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${port}`)
  })
}
