'use strict'
// One instance of an app behind a shared Redis, for the multi-instance replay test
// (tests/node/replay.test.js): Standard Webhooks deliveries to POST /webhook, claimed in
// Redis by the Express middleware (HELPER=express) or the fetch helper on node:http
// (HELPER=fetch). The handler appends one line per run to COUNT_FILE, outside the app:
// `<instance> <delivery id>`. A delivery whose body asks `{"fail": n}` fails its first n runs
// (counted in that file, whichever instance ran them): 500, or a throw with
// `{"fail": n, "throw": true}` (answered by Express's error handler, or rethrown by the
// fetch helper and answered 500 by the server here).
//
//   HELPER=express|fetch PORT=0 REDIS_URL=redis://127.0.0.1:6380 COUNT_FILE=/tmp/runs \
//     SECRET=whsec_... INSTANCE=a node tests/node/support/replay-app.js
// prints `listening <port>` once it serves.

const fs = require('node:fs')
const http = require('node:http')
const { Readable } = require('node:stream')
const express = require('express')
const { createClient } = require('redis')
const { RedisReplayStore } = require('hooksig')
const { webhook } = require('hooksig/express')
const { webhookHandler } = require('hooksig/fetch')

const { HELPER, PORT, REDIS_URL, COUNT_FILE, SECRET, INSTANCE } = process.env

/** Runs the handler's work: returns 'ok', or how it fails this time. */
function run(id, event) {
  const before = fs.existsSync(COUNT_FILE)
    ? fs
        .readFileSync(COUNT_FILE, 'utf8')
        .split('\n')
        .filter((line) => line.endsWith(` ${id}`)).length
    : 0
  fs.appendFileSync(COUNT_FILE, `${INSTANCE} ${id}\n`)
  if (event && typeof event.fail === 'number' && before < event.fail) return event.throw ? 'throw' : 'status'
  return 'ok'
}

async function main() {
  // Claims fail at once while Redis is away (503: the provider retries), and the client
  // reconnects on its own when Redis is back.
  const client = createClient({
    url: REDIS_URL,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries) => Math.min(20 * (retries + 1), 200) },
  })
  client.on('error', () => {}) // while Redis is stopped; the store answers 503 meanwhile
  await client.connect()
  const replay = new RedisReplayStore(client)
  const options = { secret: SECRET, replay }

  let server
  if (HELPER === 'express') {
    const app = express()
    app.post('/webhook', webhook('standard-webhooks', options), (req, res) => {
      const outcome = run(req.webhook.id, req.body)
      if (outcome === 'throw') throw new Error('the handler failed')
      if (outcome === 'status') return res.status(500).json({ error: 'handler_failed' })
      res.json({ ok: true, instance: INSTANCE })
    })
    // Express's own error handler would answer 500 too; this one keeps the log quiet.
    app.use((err, _req, res, _next) => res.status(500).json({ error: err.message }))
    server = http.createServer(app)
  } else {
    const handler = webhookHandler('standard-webhooks', options, (hook) => {
      const outcome = run(hook.result.id, hook.body)
      if (outcome === 'throw') throw new Error('the handler failed')
      if (outcome === 'status') return Response.json({ error: 'handler_failed' }, { status: 500 })
      return Response.json({ ok: true, instance: INSTANCE })
    })
    server = http.createServer(async (req, res) => {
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
    })
  }
  server.listen(Number(PORT || 0), '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`)
  })
  process.on('SIGTERM', () => {
    server.close()
    server.closeAllConnections()
    client.destroy()
  })
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
