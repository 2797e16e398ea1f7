-- wrk script of bench-leads.sh: each thread sends LEAD_QUOTA delayed syncs (a quarter of them for
-- an email it already sent: merges), counts the 202s, and stops once every sync is answered. The
-- requests are made before the run, so that wrk spends its CPU sending, not formatting.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  quota = tonumber(os.getenv("LEAD_QUOTA"))
  sent, accepted, refused = 0, 0, 0
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
  -- Past the quota (answers still on their way), a request that is not counted.
  return requests[sent] or wrk.format("GET", "/healthz")
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 elseif status ~= 200 then refused = refused + 1 end
  if accepted + refused >= quota then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local accepted, refused = 0, 0
  for _, thread in ipairs(threads) do
    accepted = accepted + thread:get("accepted")
    refused = refused + thread:get("refused")
  end
  io.write(string.format("accepted %d refused %d p50_ms %.2f p99_ms %.2f\n", accepted, refused,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
