-- wrk script for `make load`'s replay run (load/run.py starts two wrk at once, one per
-- instance of an app, both with this script and the same deliveries).
--
-- HOOKSIG_LOAD_DELIVERIES names a Lua file (load/replay_sign.py) returning the body format, the
-- timestamp and one signature per delivery. Request j of thread t sends delivery
-- ((j - 1) * threads + t - 1) mod #signatures: the two wrk send the same delivery to the two
-- instances at about the same time (one must answer it, the other must see a duplicate), and
-- once past the end every delivery is a repeat.
--
-- Answers: 200 with the delivery's player id echoed = processed; 200 {"status":"duplicate"} =
-- duplicate; anything else is wrong. Which deliveries were processed twice is read by
-- load/run.py from the apps' PROCESSED_LOG files, outside the apps.

local spec = dofile(os.getenv("HOOKSIG_LOAD_DELIVERIES"))
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("tid", count)
  table.insert(threads, thread)
end

processed, duplicate, other = 0, 0, 0
first_other = ""
local j = 0
local nthreads = 1

function init(args)
  nthreads = tonumber(os.getenv("HOOKSIG_LOAD_THREADS")) or 1
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Aghanim-Signature-Timestamp"] = spec.timestamp
end

function request()
  j = j + 1
  local d = ((j - 1) * nthreads + (tid - 1)) % #spec.signatures
  local i = spec.first + d
  wrk.headers["X-Aghanim-Signature"] = spec.signatures[d + 1]
  return wrk.format(nil, nil, nil, string.format(spec.body, i, i, i))
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"player_id":"load-r', 1, true) then
    processed = processed + 1
  elseif status == 200 and string.find(body, '"duplicate"', 1, true) then
    duplicate = duplicate + 1
  else
    other = other + 1
    if first_other == "" then
      first_other = status .. " " .. string.sub(body or "", 1, 120)
    end
  end
end

function done(summary, latency, requests)
  local t = { processed = 0, duplicate = 0, other = 0 }
  local first = ""
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do
      t[k] = t[k] + thread:get(k)
    end
    if first == "" then first = thread:get("first_other") end
  end
  local e = summary.errors
  io.write(string.format(
    "HOOKSIG_RESULT requests=%d duration_us=%d rps=%.1f processed=%d duplicate=%d other=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d "
      .. "lat_p50_us=%d lat_p99_us=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    t.processed, t.duplicate, t.other, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
  if first ~= "" then
    io.write("HOOKSIG_FIRST_OTHER " .. first .. "\n")
  end
end
