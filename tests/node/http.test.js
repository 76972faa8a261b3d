'use strict'
// The helper contract, tests/vectors/http.json: every case sent to the Express middleware
// and to the fetch helper, each on a real server on 127.0.0.1. Requests are written on a
// raw socket, byte for byte (a malformed Content-Length, chunked bodies, header bytes
// >= 0x80 sent as they are), and the answer is read off the same socket.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const path = require('node:path')
const { Readable } = require('node:stream')
const express = require('express')
const { Signer } = require('hooksig')
const { webhook } = require('hooksig/express')
const { webhookHandler } = require('hooksig/fetch')

const CONTRACT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'vectors', 'http.json'), 'utf8'))

function isJson(bytes) {
  try {
    JSON.parse(bytes.toString('utf8'))
    return true
  } catch {
    return false
  }
}

/**
 * Which cases a helper runs: with `json: true` the json_helpers_only cases and those whose
 * body is JSON; with `json: false` every case but the json_helpers_only ones.
 */
function applies(json, c) {
  if (c.expect.json_helpers_only) return json
  return !json || isJson(bytesOf(c.body))
}

/** The bytes a vector value stands for: a string (UTF-8), {hex}, or {repeat, length}. */
function bytesOf(value) {
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value && typeof value.hex === 'string') return Buffer.from(value.hex, 'hex')
  if (value && typeof value.repeat === 'string') {
    return Buffer.from(value.repeat.repeat(Math.ceil(value.length / value.repeat.length)).slice(0, value.length))
  }
  throw new Error(`unknown byte form ${JSON.stringify(value)}`)
}

/** The helper's options for a case: the verifier's config and the helper's own. */
function optionsOf(c, json) {
  const options = { json }
  if (c.secrets) options.secrets = c.secrets
  if (c.public_keys) options.publicKeys = c.public_keys
  if ('tolerance' in c) options.tolerance = c.tolerance
  if (c.max_body !== undefined) options.limit = c.max_body
  if (c.public_url !== undefined) options.publicUrl = c.public_url
  return options
}

/** What the handlers saw, per case index. */
function recorder() {
  const seen = new Map()
  return {
    seen,
    record(index, rawBody, result) {
      seen.set(index, { rawBody: Buffer.from(rawBody), result })
    },
  }
}

/** Express: one route per case, the middleware mounted before any body parser. */
function expressApp(record, json) {
  const app = express()
  CONTRACT.cases.forEach((c, index) => {
    if (!applies(json, c)) return
    app.post(`/case/${index}`, webhook(c.preset, optionsOf(c, json)), (req, res) => {
      record(index, req.rawBody, req.webhook)
      res.json({ ok: true })
    })
  })
  return http.createServer(app)
}

/** fetch: node:http turns each request into a WHATWG Request, as Hono's Node adapter does. */
function fetchServer(record, json) {
  const handlers = CONTRACT.cases.map((c, index) =>
    webhookHandler(c.preset, optionsOf(c, json), (hook) => {
      record(index, hook.rawBody, hook.result)
      return Response.json({ ok: true })
    }),
  )
  return http.createServer(async (req, res) => {
    const headers = new Headers()
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1])
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: Readable.toWeb(req),
      duplex: 'half',
    })
    const index = Number(req.url.split('/')[2])
    const response = await handlers[index](request)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
}

/** The request of a case, as bytes: signed headers first, then the case's own. */
function requestBytes(c, index, port) {
  const target = `/case/${index}`
  const url = `http://127.0.0.1:${port}${target}`
  const body = bytesOf(c.body)
  const lines = [`POST ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Content-Type: application/json']
  const head = (name, value) => lines.push(Buffer.concat([Buffer.from(`${name}: `), value]).toString('latin1'))
  if (c.sign) {
    const options = c.private_key ? { privateKey: c.private_key } : { secrets: c.secrets }
    const signed = new Signer(c.preset, options).sign(body, {
      timestamp: Math.floor(Date.now() / 1000) - c.sign.age,
      url: c.sign.url === undefined || c.sign.url === 'request' ? url : c.sign.url,
      method: 'POST',
    })
    for (const [name, value] of Object.entries(signed)) head(name, Buffer.from(value, 'latin1'))
  }
  for (const [name, value] of c.headers || []) head(name, bytesOf(value))
  let payload = body
  if (c.content_length === null) {
    lines.push('Transfer-Encoding: chunked')
    const chunks = []
    for (let i = 0; i < body.length; i += 1000) {
      const chunk = body.subarray(i, i + 1000)
      chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'))
    }
    payload = Buffer.concat([...chunks, Buffer.from('0\r\n\r\n')])
  } else {
    lines.push(`Content-Length: ${c.content_length === undefined ? body.length : c.content_length}`)
  }
  lines.push('Connection: close', '', '')
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), payload])
}

/** Writes `bytes` to 127.0.0.1:port and resolves to the answer's status and body. */
function exchange(port, bytes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const received = []
    socket.on('data', (chunk) => received.push(chunk))
    socket.on('error', (err) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? null : reject(err)))
    socket.on('close', () => {
      const answer = Buffer.concat(received)
      const end = answer.indexOf('\r\n\r\n')
      if (end < 0) return reject(new Error(`no answer: ${JSON.stringify(answer.toString('latin1'))}`))
      const head = answer.subarray(0, end).toString('latin1').split('\r\n')
      const status = Number(head[0].split(' ')[1])
      const chunked = head.some((line) => /^transfer-encoding:\s*chunked/i.test(line))
      let body = answer.subarray(end + 4)
      if (chunked) {
        const parts = []
        for (let at = 0; ;) {
          const eol = body.indexOf('\r\n', at)
          const size = parseInt(body.subarray(at, eol).toString('latin1'), 16)
          if (!size) break
          parts.push(body.subarray(eol + 2, eol + 2 + size))
          at = eol + 2 + size + 2
        }
        body = Buffer.concat(parts)
      }
      resolve({ status, text: body.toString('utf8') })
    })
    socket.end(bytes)
  })
}

for (const [helper, serve, json] of [
  ['Express middleware', expressApp, true],
  ['Express middleware, json: false', expressApp, false],
  ['fetch webhookHandler', fetchServer, true],
  ['fetch webhookHandler, json: false', fetchServer, false],
]) {
  test(`http.json against the ${helper} on a real server`, async (t) => {
    const { seen, record } = recorder()
    const server = serve(record, json)
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    t.after(() => new Promise((resolve) => server.close(resolve)))
    const { port } = server.address()
    let ran = 0
    for (const [index, c] of CONTRACT.cases.entries()) {
      if (!applies(json, c)) continue
      await t.test(c.name, async () => {
        const sent = requestBytes(c, index, port)
        const answer = await exchange(port, sent)
        const expect = c.expect
        const statuses = [].concat(expect.status)
        assert.ok(statuses.includes(answer.status), `status ${answer.status}, expected ${statuses}: ${answer.text}`)
        if (expect.error !== undefined) {
          // A list: any of these (a fetch Headers joins a repeated header, as WSGI and Rack do).
          const codes = [].concat(expect.error)
          const { error } = JSON.parse(answer.text)
          assert.ok(codes.includes(error), `error ${error}, expected ${codes}`)
          if (helper.startsWith('Express') && codes.includes('invalid_header')) {
            // The middleware reads req.rawHeaders: it sees the repeat itself.
            assert.equal(error, 'invalid_header')
          }
        }
        const handled = seen.has(index)
        if (expect.handler !== undefined) assert.equal(handled, expect.handler)
        if (expect.handler_if_status !== undefined) assert.equal(handled, answer.status === expect.handler_if_status)
        if (handled) {
          // The handler got the bytes sent, and the id as its bytes (text only when UTF-8).
          const { rawBody, result } = seen.get(index)
          assert.deepEqual(rawBody, bytesOf(c.body))
          const id = (c.headers || []).find(([name]) => /^webhook-id$/i.test(name))
          if (id) {
            const bytes = bytesOf(id[1])
            assert.deepEqual(result.idBytes, bytes)
            const text = bytes.toString('utf8')
            assert.equal(result.id, Buffer.from(text, 'utf8').equals(bytes) ? text : null)
          }
          ran += 1
        }
      })
    }
    assert.ok(ran >= 5, `the handler ran for ${ran} cases`)
    assert.ok(seen.size === ran)
  })
}
