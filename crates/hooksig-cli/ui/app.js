// hooksig inspector: the live list (server-sent events), a delivery's detail, and the
// buttons that send one again. Data is only ever set as text (textContent, value), never
// as HTML.
'use strict'

const state = {
  rows: new Map(), // id -> { summary, tr }
  selected: null,
  history: 500,
  loaded: false,
}

const $ = (id) => document.getElementById(id)

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value
    else if (key.startsWith('aria-') || key.startsWith('data-')) node.setAttribute(key, value)
    else node[key] = value
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return node
}

function resultClass(result) {
  if (result === 'ok') return 'ok'
  if (result === 'duplicate') return 'duplicate'
  if (result === 'handshake') return 'handshake'
  return 'fail'
}

function resultText(d) {
  return `${d.status} ${d.result}`
}

function skewText(skew) {
  if (skew === null || skew === undefined) return '–'
  if (skew === 0) return '0 s'
  const n = Math.abs(skew)
  const text = n < 120 ? `${n} s` : n < 7200 ? `${Math.round(n / 60)} min` : `${Math.round(n / 3600)} h`
  return skew > 0 ? `${text} ago` : `${text} ahead`
}

function sizeText(d) {
  const n = d.size
  const text = n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`
  return d.truncated && d.result !== 'body_too_large' ? `${text} (kept 1 MiB)` : text
}

function appText(d) {
  if (!d.forward) return '–'
  if (d.forward.error) return 'no answer'
  return `${d.forward.status} · ${d.forward.ms} ms`
}

function originText(d) {
  if (!d.origin) return ''
  if (d.origin.replay_of) return `replay of #${d.origin.replay_of}`
  return `tampered ${d.origin.tamper}, from #${d.origin.of}`
}

function keyText(d) {
  return d.secret_index === null || d.secret_index === undefined ? '–' : String(d.secret_index)
}

function cells(d) {
  const open = el(
    'button',
    { type: 'button', class: 'open', 'aria-label': `Open delivery ${d.id}: ${d.method} ${d.path}, ${resultText(d)}` },
    String(d.id),
  )
  open.addEventListener('click', (event) => {
    event.stopPropagation()
    select(d.id)
  })
  const result = el('td', {}, el('span', { class: `result ${resultClass(d.result)}` }, resultText(d)))
  if (d.origin) result.append(el('span', { class: 'origin' }, originText(d)))
  return [
    el('td', {}, open),
    el('td', {}, el('time', { dateTime: d.time }, d.time.slice(11, 19))),
    el('td', { class: 'wide-only' }, d.method),
    el('td', { class: 'path mono', title: d.path }, d.path),
    el('td', {}, d.preset),
    result,
    el('td', { title: d.skew === null ? '' : `${d.skew} s` }, skewText(d.skew)),
    el('td', { class: 'wide-only' }, keyText(d)),
    el('td', { class: 'mono wide-only' }, d.webhook_id || '–'),
    el('td', { class: 'wide-only' }, sizeText(d)),
    el('td', { class: 'app' }, appText(d)),
  ]
}

function matches(d) {
  if ($('failures').checked && ['ok', 'duplicate', 'handshake'].includes(d.result)) return false
  const words = $('filter').value.trim().toLowerCase()
  if (!words) return true
  const hay = [d.id, d.method, d.path, d.preset, d.status, d.result, d.webhook_id, d.event].join(' ').toLowerCase()
  return words.split(/\s+/).every((w) => hay.includes(w))
}

function upsert(d, announce) {
  const known = state.rows.get(d.id)
  if (known) {
    known.summary = d
    known.tr.replaceChildren(...cells(d))
    known.tr.hidden = !matches(d)
    return
  }
  const tr = el('tr', { 'data-id': String(d.id) })
  tr.append(...cells(d))
  tr.hidden = !matches(d)
  tr.addEventListener('click', () => select(d.id))
  if (state.selected === d.id) tr.classList.add('selected')
  // Newest first: before the first row with a smaller id.
  const rows = $('rows')
  let before = null
  for (const other of rows.children) {
    if (Number(other.dataset.id) < d.id) {
      before = other
      break
    }
  }
  rows.insertBefore(tr, before)
  state.rows.set(d.id, { summary: d, tr })
  // The page keeps no more rows than the server's history.
  while (state.rows.size > state.history) {
    const oldest = Math.min(...state.rows.keys())
    state.rows.get(oldest).tr.remove()
    state.rows.delete(oldest)
  }
  if (announce) $('announce').textContent = `Delivery ${d.id}: ${d.method} ${d.path}, ${resultText(d)}`
  counts()
}

function counts() {
  const n = state.rows.size
  $('empty').hidden = n > 0
  let failed = 0
  for (const { summary } of state.rows.values()) if (resultClass(summary.result) === 'fail') failed++
  $('count').textContent = n
    ? `${n} deliver${n === 1 ? 'y' : 'ies'} shown, ${failed} failed (the history keeps the latest ${state.history}).`
    : ''
}

function refilter() {
  for (const { summary, tr } of state.rows.values()) tr.hidden = !matches(summary)
}

async function load() {
  const response = await fetch('api/deliveries', { cache: 'no-store' })
  const data = await response.json()
  state.history = data.history
  // The app's URL once when every route forwards there, else per route.
  const targets = new Set(data.routes.map((r) => r.forward_to || ''))
  const shared = targets.size === 1 ? [...targets][0] : null
  $('routes').replaceChildren(
    ...data.routes.flatMap((r, i) => [
      i ? ', ' : 'Routes: ',
      el('code', {}, r.path),
      ` (${r.preset}${!shared && r.forward_to ? ` → ${r.forward_to}` : ''})`,
    ]),
    shared ? `; forwarding ${data.only_valid ? 'what verifies' : 'every delivery'} to ${shared}` : '',
  )
  const seen = new Set(data.deliveries.map((d) => d.id))
  for (const id of [...state.rows.keys()]) {
    if (!seen.has(id)) {
      state.rows.get(id).tr.remove()
      state.rows.delete(id)
    }
  }
  for (const d of data.deliveries) upsert(d, false)
  state.loaded = true
  counts()
}

function connect() {
  const events = new EventSource('api/events')
  events.addEventListener('open', () => {
    $('connection').textContent = 'Live'
    $('connection').classList.add('live')
    load()
  })
  events.addEventListener('error', () => {
    $('connection').textContent = 'Disconnected: reconnecting…'
    $('connection').classList.remove('live')
  })
  events.addEventListener('delivery', (e) => upsert(JSON.parse(e.data), true))
  events.addEventListener('update', (e) => {
    const d = JSON.parse(e.data)
    upsert(d, false)
    if (state.selected === d.id) select(d.id, false)
  })
  events.addEventListener('resync', () => load())
}

function fact(list, name, value) {
  list.append(el('dt', {}, name), el('dd', {}, value))
}

function headerRows(body, headers) {
  body.replaceChildren(
    ...headers.map((h) =>
      el(
        'tr',
        {},
        el('td', { class: 'mono' }, h.name),
        h.redacted
          ? el('td', { class: 'mono redacted' }, '(a secret: not shown)')
          : el('td', { class: 'mono' }, h.value),
      ),
    ),
  )
  if (!headers.length) body.append(el('tr', {}, el('td', { colSpan: 2 }, 'None.')))
}

async function select(id, focus = true) {
  if (focus && state.selected !== id) $('action-status').textContent = ''
  const response = await fetch(`api/deliveries/${id}`, { cache: 'no-store' })
  const d = await response.json()
  for (const { tr } of state.rows.values()) tr.classList.remove('selected')
  if (!response.ok) {
    $('action-status').textContent = d.error
    return
  }
  state.selected = id
  state.rows.get(id)?.tr.classList.add('selected')
  $('detail').hidden = false
  $('detail-title').textContent = `Delivery #${d.id}: ${d.method} ${d.path}`

  const kind = resultClass(d.result)
  const verdict = $('verdict')
  verdict.className = `verdict ${kind}`
  verdict.replaceChildren(el('strong', {}, resultText(d)))
  if (d.message) verdict.append(el('p', { class: 'message' }, d.message))
  if (d.hint) verdict.append(el('p', { class: 'hint' }, el('b', {}, 'What to check: '), d.hint))

  const facts = $('facts')
  facts.replaceChildren()
  fact(facts, 'Received', d.time)
  fact(facts, 'Route', `${d.route} (${d.preset})`)
  fact(facts, 'Verified over', d.url)
  const skew = skewText(d.skew)
  fact(facts, 'Timestamp skew', skew.includes(' s') || d.skew === null ? skew : `${skew} (${d.skew} s)`)
  fact(facts, 'Key that matched', keyText(d))
  fact(facts, 'Delivery id', d.webhook_id || '–')
  if (d.event) fact(facts, 'Event', d.event)
  fact(facts, 'Body size', sizeText(d))
  if (d.origin) fact(facts, 'Sent by', `the inspector: ${originText(d)}`)
  if (d.forward) {
    fact(
      facts,
      'Your app',
      d.forward.error ? `no answer: ${d.forward.error}` : `${d.forward.status} in ${d.forward.ms} ms`,
    )
    if (d.forward_body) fact(facts, 'It answered', d.forward_body)
  }

  $('replay').disabled = !d.replayable
  for (const button of document.querySelectorAll('button.tamper')) {
    button.disabled = !d.tampers.includes(button.dataset.tamper)
  }
  $('curl-text').value = d.curl || '(the history kept only part of this body)'
  $('copy').disabled = !d.curl

  headerRows(
    $('read-headers'),
    d.headers.filter((h) => h.read),
  )
  headerRows(
    $('other-headers'),
    d.headers.filter((h) => !h.read),
  )
  const body = d.body
  const kinds = { json: 'JSON, indented', text: 'text', binary: 'not text: hex dump', empty: 'empty' }
  let note = `${kinds[body.kind]}, ${body.size} bytes`
  if (body.truncated) note += `; showing the first ${body.shown}`
  $('body-note').textContent = note
  $('body').textContent = body.text
  if (focus) $('detail-title').focus()
}

function closeDetail() {
  const id = state.selected
  $('detail').hidden = true
  state.selected = null
  for (const { tr } of state.rows.values()) tr.classList.remove('selected')
  state.rows.get(id)?.tr.querySelector('button.open')?.focus()
}

async function sendAgain(path, what) {
  const id = state.selected
  if (id === null) return
  $('action-status').textContent = `Sending ${what}…`
  const response = await fetch(`api/deliveries/${id}/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  })
  const answer = await response.json()
  $('action-status').textContent = response.ok
    ? `Sent ${what} as #${answer.id}: ${answer.status} ${answer.result}.`
    : `Not sent: ${answer.error}`
}

async function copyCurl() {
  const text = $('curl-text')
  try {
    await navigator.clipboard.writeText(text.value)
    $('action-status').textContent = 'The curl command is on the clipboard.'
  } catch {
    text.focus()
    text.select()
    $('action-status').textContent = 'Selected: press Ctrl+C (or Cmd+C) to copy.'
  }
}

function moveSelection(step) {
  const visible = [...$('rows').children].filter((tr) => !tr.hidden)
  if (!visible.length) return
  const at = visible.findIndex((tr) => tr.contains(document.activeElement))
  const next = visible[Math.max(0, Math.min(visible.length - 1, at + step))]
  next.querySelector('button.open').focus()
}

document.addEventListener('DOMContentLoaded', () => {
  $('filter').addEventListener('input', refilter)
  $('failures').addEventListener('change', refilter)
  $('close').addEventListener('click', closeDetail)
  $('replay').addEventListener('click', () => sendAgain('replay', 'the delivery as received'))
  for (const button of document.querySelectorAll('button.tamper')) {
    button.addEventListener('click', () =>
      sendAgain(`tamper/${button.dataset.tamper}`, `a copy with a ${button.textContent.toLowerCase()}`),
    )
  }
  $('copy').addEventListener('click', copyCurl)
  $('rows').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') moveSelection(1)
    else if (e.key === 'ArrowUp') moveSelection(-1)
    else return
    e.preventDefault()
  })
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('detail').hidden) closeDetail()
  })
  counts()
  connect()
})
