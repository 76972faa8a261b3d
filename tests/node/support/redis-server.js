'use strict'
// A real Redis for the replay tests: Debian's redis-server (.ci/install-redis.sh installs it)
// on a free loopback port, persistence off, in a temporary directory; stopped (and started
// again on the same port) by the tests, and always stopped when the test process ends.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Resolves once `port` answers PING with PONG (redis-server prints nothing we could wait for on stdout). */
function pong(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let answer = ''
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      answer += chunk
      if (answer.includes('\r\n')) {
        socket.destroy()
        resolve(answer.startsWith('+PONG'))
      }
    })
    socket.on('error', () => resolve(false))
  })
}

const running = new Set()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** One redis-server: `start()`, `stop()`, `url`, `port`. */
class RedisServer {
  constructor(port, dir) {
    this.port = port
    this.dir = dir
    this.url = `redis://127.0.0.1:${port}`
    this.child = null
  }

  static async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hooksig-redis-'))
    const server = new RedisServer(await freePort(), dir)
    await server.start()
    return server
  }

  /** Starts the server (again) on its port; resolves when it answers. */
  async start() {
    if (this.child) return
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--protected-mode',
        'no',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    let failed = false
    child.on('error', (err) => {
      failed = true
      stderr = `${err.message}: redis-server is missing? Install it with: bash .ci/install-redis.sh`
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    this.child = child
    this.exited = exited
    running.add(child)
    exited.then(() => running.delete(child))
    // Bounded: about 10 s of attempts, then the reason.
    for (let attempt = 0; attempt < 200; attempt++) {
      if (failed || child.exitCode !== null) break
      if (await pong(this.port)) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    this.child = null
    child.kill('SIGKILL')
    throw new Error(`redis-server did not start on port ${this.port}: ${stderr || 'no answer'}`)
  }

  /** Stops the server and waits for it to exit (its clients see their sockets close). */
  async stop() {
    const child = this.child
    if (!child) return
    this.child = null
    child.kill('SIGTERM')
    await this.exited
  }

  /** Stops it for good and removes its directory. */
  async close() {
    await this.stop()
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

module.exports = { RedisServer, freePort }
