'use strict'
// `make soak` (Node.js): 10^6 verifications in one process, RSS at the start and the end.
//
// A mix of 8 valid, 1 tampered-body and 1 stale-timestamp request in every 10 (the error
// path, which builds a VerificationError each time, runs 200 000 times too), each answer
// checked. RSS (VmRSS of /proc/self/status) after a warm-up of 20 000 verifications and a
// gc() (node --expose-gc), then every 100 000, then at the end after gc(). Exits 1 on a
// wrong answer or RSS growth above 10 %.
//
//   node --expose-gc load/soak.js [N]

const fs = require('fs')
const { Verifier, Signer, VerificationError } = require('..')

const N = Number(process.argv[2] || 1000000)
const WARMUP = 20000
const SAMPLE_EVERY = 100000
const SECRET = 'soak-aghanim-secret' // a local test value

function rssKib() {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return Number(m[1])
}
function collect() {
  if (typeof global.gc === 'function') global.gc()
}

const verifier = new Verifier('aghanim', { secret: SECRET })
const signer = new Signer('aghanim', { secret: SECRET })
const body = Buffer.from('{"event_type":"item.add","event_data":{"player_id":"p_1024","items":[{"sku":"gems_500"}]}}')
const now = Math.floor(Date.now() / 1000)
const valid = signer.sign(body, { timestamp: now })
const stale = signer.sign(body, { timestamp: now - 3600 }) // outside the 300 s window
const tampered = Buffer.from(body.toString().replace('gems_500', 'gems_900'))
const CASES = [
  ...Array(8).fill([body, valid, null]),
  [tampered, valid, 'signature_mismatch'],
  [body, stale, 'timestamp_too_old'],
]

function run(n, start) {
  let wrong = 0
  for (let i = start; i < start + n; i++) {
    const [b, h, want] = CASES[i % 10]
    let got = null
    try {
      verifier.verify(b, h)
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error
      got = error.code
    }
    if (got !== want) wrong++
  }
  return wrong
}

let wrong = run(WARMUP, 0)
collect()
const rssStart = rssKib()
const samples = [rssStart]
const t0 = process.hrtime.bigint()
let done = 0
while (done < N) {
  const step = Math.min(SAMPLE_EVERY, N - done)
  wrong += run(step, done)
  done += step
  samples.push(rssKib())
}
const elapsed = Number(process.hrtime.bigint() - t0) / 1e9
collect()
const rssEnd = rssKib()
const growth = (rssEnd - rssStart) / rssStart
console.log(
  `node: ${N} verifications in ${elapsed.toFixed(1)} s (${Math.round(N / elapsed).toLocaleString('en')}/s), wrong answers: ${wrong}` +
    (typeof global.gc === 'function' ? '' : ' (run with --expose-gc for the gc() before each sample)'),
)
console.log(
  `node: RSS start ${rssStart} KiB, end ${rssEnd} KiB (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(2)}%), ` +
    `max ${Math.max(...samples)} KiB; samples every ${SAMPLE_EVERY}: [${samples.join(', ')}]`,
)
process.exit(wrong || growth > 0.1 ? 1 : 0)
