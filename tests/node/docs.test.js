'use strict'
// Every ```js block of docs/node.md runs (in its own process, from the repository root; with
// REDIS_URL naming a redis-server started here).

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { RedisServer } = require('./support/redis-server.js')

const ROOT = path.join(__dirname, '..', '..')
const doc = fs.readFileSync(path.join(ROOT, 'docs', 'node.md'), 'utf8')
const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])

test('docs/node.md has runnable examples', () => {
  assert.ok(blocks.length >= 5, `only ${blocks.length} js blocks`)
})

// The replay section's Redis example runs against a real redis-server, started here.
let redis
test.before(async () => {
  redis = await RedisServer.create()
})
test.after(() => redis.close())

blocks.forEach((code, i) => {
  test(`docs/node.md js block ${i + 1} runs`, () => {
    try {
      execFileSync(process.execPath, ['-e', code], {
        cwd: ROOT,
        env: {
          ...process.env,
          STRIPE_WEBHOOK_SECRET: 'whsec_doc',
          SVIX_SECRET: 'whsec_ZG9jcw==',
          REDIS_URL: redis.url,
        },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    } catch (err) {
      assert.fail(`block ${i + 1} failed:\n${code}\n${err.stderr}`)
    }
  })
})
