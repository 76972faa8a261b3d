-- wrk script for `make load` (load/run.py writes the requests file and reads the result line).
--
-- Each request is one of three kinds, pre-signed before the run (HOOKSIG_LOAD_REQUESTS names
-- a Lua file returning them):
--   valid     signed now                        expected 200, body echoes player_id "load-valid-ok"
--   tampered  signed, then its body altered     expected 403 {"error":"signature_mismatch"}
--   replayed  signed 3600 s ago (window 300 s)  expected 403 {"error":"timestamp_too_old"}
--                                               (the provider-docs snippet has no window: 200)
-- Each kind carries its own player_id, which a server that accepts the request echoes in its
-- 200 answer; so an accepted tampered or replayed request is seen in the answer itself.
-- wrk does not say which connection an answer belongs to, so a valid request wrongly refused
-- is caught by the count check in done(): no answer class may outnumber the requests of its kind.

local spec = dofile(os.getenv("HOOKSIG_LOAD_REQUESTS"))
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local kinds = { "valid", "tampered", "replayed" }
local formatted = {}
local pattern = spec.pattern -- e.g. { "valid", "valid", "tampered", ... }
local next_i = 0

-- counters, read by done() through thread:get
sent_valid, sent_tampered, sent_replayed = 0, 0, 0
got_valid, got_tampered, got_replayed = 0, 0, 0
tampered_accepted, replayed_accepted, other = 0, 0, 0
first_other = ""

function init(args)
  for _, kind in ipairs(kinds) do
    local r = spec[kind]
    formatted[kind] = wrk.format("POST", spec.path, r.headers, r.body)
  end
  next_i = tid or 0
end

function request()
  next_i = next_i + 1
  local kind = pattern[(next_i % #pattern) + 1]
  if kind == "valid" then
    sent_valid = sent_valid + 1
  elseif kind == "tampered" then
    sent_tampered = sent_tampered + 1
  else
    sent_replayed = sent_replayed + 1
  end
  return formatted[kind]
end

function response(status, headers, body)
  if status == 200 and string.find(body, "load-valid-ok", 1, true) then
    got_valid = got_valid + 1
  elseif status == 200 and string.find(body, "load-tamper-acc", 1, true) then
    tampered_accepted = tampered_accepted + 1
  elseif status == 200 and string.find(body, "load-replay-old", 1, true) then
    replayed_accepted = replayed_accepted + 1
  elseif status == 403 and string.find(body, "signature_mismatch", 1, true) then
    got_tampered = got_tampered + 1
  elseif status == 403 and string.find(body, "timestamp_too_old", 1, true) then
    got_replayed = got_replayed + 1
  else
    other = other + 1
    if first_other == "" then
      first_other = status .. " " .. string.sub(body or "", 1, 120)
    end
  end
end

function done(summary, latency, requests)
  local t = {
    sent_valid = 0, sent_tampered = 0, sent_replayed = 0,
    got_valid = 0, got_tampered = 0, got_replayed = 0,
    tampered_accepted = 0, replayed_accepted = 0, other = 0,
  }
  local first = ""
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do
      t[k] = t[k] + thread:get(k)
    end
    if first == "" then first = thread:get("first_other") end
  end
  local replay_ok = spec.replay_expect == 200
  -- an answer class outnumbering its kind's requests means some other kind got that answer
  local excess = 0
  local got_replay_class = replay_ok and t.replayed_accepted or t.got_replayed
  excess = excess + math.max(0, t.got_valid - t.sent_valid)
  excess = excess + math.max(0, t.got_tampered - t.sent_tampered)
  excess = excess + math.max(0, got_replay_class - t.sent_replayed)
  local wrong = t.tampered_accepted + t.other + excess
  if replay_ok then
    wrong = wrong + t.got_replayed
  else
    wrong = wrong + t.replayed_accepted
  end
  local answered = t.got_valid + t.got_tampered + t.got_replayed + t.tampered_accepted
    + t.replayed_accepted + t.other
  local e = summary.errors
  io.write(string.format(
    "HOOKSIG_RESULT requests=%d duration_us=%d rps=%.1f answered=%d wrong=%d "
      .. "sent_valid=%d sent_tampered=%d sent_replayed=%d got_valid=%d got_tampered=%d "
      .. "got_replayed=%d tampered_accepted=%d replayed_accepted=%d other=%d excess=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d "
      .. "lat_p50_us=%d lat_p99_us=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), answered,
    wrong, t.sent_valid, t.sent_tampered, t.sent_replayed, t.got_valid, t.got_tampered,
    t.got_replayed, t.tampered_accepted, t.replayed_accepted, t.other, excess,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
  if first ~= "" then
    io.write("HOOKSIG_FIRST_OTHER " .. first .. "\n")
  end
end
