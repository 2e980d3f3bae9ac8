-- wrk script: POSTs one prepared request body and checks every answer.
--
--   wrk ... -s chat.lua URL -- BODY_FILE EXPECT [Header: value ...]
--
-- BODY_FILE  the request body (written by gen.py)
-- EXPECT     a string every successful answer body must contain ("[DONE]" for streams, the
--            answer's last sentence otherwise); "-" checks the status only
-- Header     extra request headers, one argument each
--
-- An answer counts as an error when its status is not 2xx (non2xx) or when it is 2xx but lacks
-- EXPECT or carries an {"error": ...} event (bad). done() prints one parseable line:
--   BENCH requests=... duration_us=... rps=... p50_us=... p90_us=... p99_us=... max_us=...
--         non2xx=... bad=... connect=... read=... write=... timeout=... status=...

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local function read_file(path)
   local f = assert(io.open(path, "rb"))
   local s = f:read("*a")
   f:close()
   return s
end

function init(args)
   non2xx = 0
   bad = 0
   expect = args[2]
   if expect == nil or expect == "-" or expect == "" then
      expect = nil
   end
   wrk.method = "POST"
   wrk.body = read_file(args[1])
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Accept"] = "application/json, text/event-stream"
   for i = 3, #args do
      local name, value = string.match(args[i], "^([^:]+):%s*(.*)$")
      if name then
         wrk.headers[name] = value
      end
   end
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   elseif expect ~= nil then
      if body == nil or not string.find(body, expect, 1, true) or string.find(body, '{"error":', 1, true) then
         bad = bad + 1
      end
   end
end

function done(summary, latency, requests)
   local n2, b = 0, 0
   for _, t in ipairs(threads) do
      n2 = n2 + (t:get("non2xx") or 0)
      b = b + (t:get("bad") or 0)
   end
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.2f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
      "non2xx=%d bad=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
      summary.requests, summary.duration, summary.requests / secs,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      n2, b, e.connect, e.read, e.write, e.timeout, e.status))
end
