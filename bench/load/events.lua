-- wrk script: each wrk thread (one connection each) records `i94_checked` events on its own share of
-- the cases listed in CASES_FILE ("id version" per line), keeping each case's version from the
-- answers, so that no request is refused as stale. Environment: AMPARO_TOKEN, CASES_FILE, EVENT_DATE,
-- WRK_THREADS.
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

function init(args)
  cases = {}
  local line_number = 0
  for line in io.lines(os.getenv("CASES_FILE")) do
    local id, version = line:match("^(%S+)%s+(%d+)$")
    if id and line_number % tonumber(os.getenv("WRK_THREADS")) == index then
      table.insert(cases, { id = id, version = tonumber(version) })
    end
    line_number = line_number + 1
  end
  token = os.getenv("AMPARO_TOKEN")
  event_date = os.getenv("EVENT_DATE")
  position = 0
  refused = 0
end

function request()
  position = position % #cases + 1
  current = cases[position]
  local body = string.format(
    '{"expected_version":%d,"event":{"type":"i94_checked","on":"%s"}}', current.version, event_date)
  return wrk.format("POST", "/api/v1/cases/" .. current.id .. "/events", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    current.version = tonumber(body:match('"version":(%d+)')) or current.version + 1
  else
    refused = refused + 1
    if refused <= 3 then
      io.stderr:write("refused (" .. status .. "): " .. body:sub(1, 200) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
