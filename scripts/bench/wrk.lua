-- wrk script of ./looklook bench: sends BENCH_METHOD (POST by default) with BENCH_BODY and the headers in BENCH_HEADERS ("name: value"
-- lines), counts every answer by HTTP status and envelope code, and prints one JSON line at the end.
-- With BENCH_ORDER_IDS (homestay ids) and BENCH_ORDER_BASE (a midnight, unix seconds) each request
-- books a different one-night stay, so the orders it creates never ask for the same night twice.
local threads = {}
local nthreads = 0

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

counts = {}
local order_ids = {}
local order_base = tonumber(os.getenv("BENCH_ORDER_BASE") or "")
local order_days = 360
local order_threads = tonumber(os.getenv("BENCH_THREADS") or "") or 1
local sent = 0

function init(args)
  wrk.method = os.getenv("BENCH_METHOD") or "POST"
  if wrk.method == "POST" then
    wrk.body = os.getenv("BENCH_BODY") or "{}"
    wrk.headers["Content-Type"] = "application/json"
  end
  for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
    local name, value = string.match(line, "^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
  for id in string.gmatch(os.getenv("BENCH_ORDER_IDS") or "", "%d+") do
    table.insert(order_ids, id)
  end
end

if os.getenv("BENCH_ORDER_IDS") then
  function request()
    -- Threads interleave their slots (slot = sent * threads + tid), so every slot is used once: the
    -- homestays' 360 nights each are all booked before a night could be asked for twice.
    local slot = sent * order_threads + tid
    sent = sent + 1
    local day = slot % order_days
    local id = order_ids[(math.floor(slot / order_days) % #order_ids) + 1]
    local start = order_base + day * 86400
    local body = string.format(
      '{"homestayId":%s,"isFood":false,"liveStartTime":%d,"liveEndTime":%d,"livePeopleNum":1,"remark":"bench"}',
      id, start, start + 86400)
    return wrk.format(nil, nil, nil, body)
  end
end

function response(status, headers, body)
  local code = body and string.match(body, '^%s*{%s*"code"%s*:%s*(%-?%d+)') or "-"
  local key = status .. " " .. code
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do merged[k] = (merged[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(merged) do table.insert(parts, string.format('"%s":%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d},"answers":{%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, table.concat(parts, ",")))
end
