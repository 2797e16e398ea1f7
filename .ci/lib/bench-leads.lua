-- wrk script of bench-leads.sh: each thread sends LEAD_QUOTA delayed syncs (a quarter of them for
-- an email it already sent: merges), then stops. The requests are made before the run, and no
-- response() callback is defined (it would have wrk hand every answer to Lua), so that wrk spends
-- its CPU sending: what the server accepted is counted from its rows.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  quota = tonumber(os.getenv("LEAD_QUOTA"))
  sent = 0
  local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY"), ["Content-Type"] = "application/json" }
  requests = {}
  for n = 1, quota do
    local lead = n % math.floor(quota * 3 / 4)
    local body = string.format(
      '{"leadInfo":{"email":"lead-%d-%d@bench.example","crmLeadId":%d,"firstName":"First %d","lastName":"Last","company":"Company %d"},' ..
      '"leadCustomField":{"score":%d,"plan":"plan-%d","newsletter":%s}}',
      id, lead, n, n, lead % 500, n, n % 3, n % 2 == 0 and "true" or "false")
    requests[n] = wrk.format("POST", "/api/v1/leads/sync", headers, body)
  end
end

function request()
  -- wrk calls request() once on the first thread to check it, before the run: that one is not sent.
  if id == 1 and not checked then
    checked = true
    return wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  if sent > quota then
    -- Every sync is sent: stop once the last answers are in (wrk gives up on requests still open when a thread stops).
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  return requests[sent]
end

function done(summary, latency, requests)
  io.write(string.format("sent %d errors %d p50_ms %.2f p99_ms %.2f\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
