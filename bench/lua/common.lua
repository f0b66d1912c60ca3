-- Shared by the wrk scripts: ids from $IDS, bearer token from $TOKEN, and a
-- one-line RESULT the runner parses (latencies in microseconds).
local M = {}

function M.ids()
  local ids = {}
  local f = assert(io.open(os.getenv("IDS"), "r"))
  for line in f:lines() do
    if line ~= "" then ids[#ids + 1] = line end
  end
  f:close()
  return ids
end

function M.headers()
  local token = os.getenv("TOKEN")
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
  wrk.headers["Accept"] = "application/fhir+json"
end

function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end

return M
