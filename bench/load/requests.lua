-- wrk script: requests of a running Amparo over the cases in CASES_FILE ("id version" per line), each
-- wrk thread (one connection each) on its own share of them, keeping each case's version from the
-- answers so that no event is refused as stale. MIX=events records an `i94_checked` event with every
-- request; MIX=mixed sends three case pages (HTML, signed in by cookie) and one API read for each
-- event. Events are dated EVENT_DATE; with MOVING_FROM (a date) instead, each pass over a thread's
-- cases dates its events a day later than the last, starting on MOVING_FROM, so that every check
-- moves the case's next one (a deadline changed by every event). Environment: MIX, AMPARO_TOKEN,
-- AMPARO_COOKIE (mixed), CASES_FILE, EVENT_DATE or MOVING_FROM, WRK_THREADS.
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
  mixed = os.getenv("MIX") == "mixed"
  token = os.getenv("AMPARO_TOKEN")
  cookie = os.getenv("AMPARO_COOKIE")
  event_date = os.getenv("EVENT_DATE")
  local from = os.getenv("MOVING_FROM")
  if from then
    local year, month, day = from:match("^(%d+)-(%d+)-(%d+)$")
    moving_from = { year = tonumber(year), month = tonumber(month), day = tonumber(day), hour = 12 }
  end
  step = 0
  refused = 0
end

-- The date of this request's event: EVENT_DATE, or with MOVING_FROM a day later each pass.
local function date_of_event()
  if not moving_from then
    return event_date
  end
  local pass = math.floor(step / #cases)
  local day = { year = moving_from.year, month = moving_from.month, day = moving_from.day + pass, hour = 12 }
  return os.date("%Y-%m-%d", os.time(day))
end

local function record_event()
  local body = string.format(
    '{"expected_version":%d,"event":{"type":"i94_checked","on":"%s"}}', current.version, date_of_event())
  return wrk.format("POST", "/api/v1/cases/" .. current.id .. "/events", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function request()
  step = step + 1
  if not mixed then
    current = cases[step % #cases + 1]
    writing = true
    return record_event()
  end
  current = cases[(step * 7919) % #cases + 1]
  local kind = step % 5
  writing = kind == 0
  if writing then
    return record_event()
  elseif kind == 1 then
    return wrk.format("GET", "/api/v1/cases/" .. current.id, { ["Authorization"] = "Bearer " .. token })
  end
  return wrk.format("GET", "/cases/" .. current.id, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if writing and status == 201 then
    current.version = tonumber(body:match('"version":(%d+)')) or current.version + 1
  elseif status >= 400 then
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
