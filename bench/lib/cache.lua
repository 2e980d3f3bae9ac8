-- wrk script for the response cache's contenders: chat.lua's checks, a body built per request, and
-- every answer's x-cache header checked.
--
--   wrk ... -s cache.lua URL -- BODY_FILE EXPECT XCACHE SEQ [Header: value ...]
--
-- BODY_FILE  a request body holding the placeholder @@SEQ@@ once (chat-seq*.json from gen.py)
-- EXPECT     as for chat.lua
-- XCACHE     what every 2xx answer's x-cache header must say: HIT or MISS; any other value (or none)
--            counts the answer as bad
-- SEQ        fixed:TOKEN  every request carries TOKEN: one cache key, so all but the first are hits
--            count:TAG    request n of thread t carries TAG-tt-nnnnnnnnnn: a new key every time, so
--                         every request misses (TAG must differ between wrk runs that share a cache)
--
-- Both modes go through request(), which wrk calls for every request, so a hit and a miss cost wrk
-- the same: the request is formatted once in init and only the counter's digits change (fixed width,
-- so Content-Length never does). done() prints chat.lua's BENCH line and then
--   CACHE hit=... miss=... none=...   (x-cache values of all answers, whatever their status)

local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
dofile(here .. "chat.lua")

local chat_setup, chat_init, chat_response, chat_done = setup, init, response, done
local PLACEHOLDER = "@@SEQ@@"
local threads = {}

function setup(thread)
   chat_setup(thread)
   table.insert(threads, thread)
   thread:set("thread_no", #threads)
end

local whole     -- fixed: the whole request, the same every time
local prefix    -- count: the request up to the counter's digits
local suffix    -- count: the request after them
local n = 0

function init(args)
   local chat_args = { args[1], args[2] }
   for i = 5, #args do
      chat_args[#chat_args + 1] = args[i]
   end
   chat_init(chat_args)
   want = args[3]
   assert(want == "HIT" or want == "MISS", "XCACHE must be HIT or MISS, not " .. tostring(want))
   xhit, xmiss, xnone = 0, 0, 0

   local mode, value = string.match(args[4] or "", "^(%a+):(.+)$")
   local s, e = string.find(wrk.body, PLACEHOLDER, 1, true)
   assert(s, "no " .. PLACEHOLDER .. " in " .. args[1])
   local before, after = wrk.body:sub(1, s - 1), wrk.body:sub(e + 1)
   local lead, digits
   if mode == "fixed" then
      lead, digits = value, ""
   elseif mode == "count" then
      lead, digits = string.format("%s-%02d-", value, thread_no), string.rep("0", 10)
   else
      error("SEQ must be fixed:TOKEN or count:TAG, not " .. tostring(args[4]))
   end
   local body = before .. lead .. digits .. after
   local req = wrk.format(nil, nil, nil, body)   -- the body ends the request
   local at = #req - #body + #before + #lead      -- the last byte before the digits
   if mode == "fixed" then
      whole = req
   else
      prefix, suffix = req:sub(1, at), req:sub(at + #digits + 1)
   end
end

function request()
   if whole then
      return whole
   end
   n = n + 1
   return prefix .. string.format("%010d", n) .. suffix
end

function response(status, headers, body)
   local counted = non2xx + bad
   chat_response(status, headers, body)
   local v = headers["x-cache"] or headers["X-Cache"]
   if v == "HIT" then
      xhit = xhit + 1
   elseif v == "MISS" then
      xmiss = xmiss + 1
   else
      xnone = xnone + 1
   end
   -- an answer is bad once, whatever is wrong with it
   if v ~= want and non2xx + bad == counted then
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   chat_done(summary, latency, requests)
   local h, m, o = 0, 0, 0
   for _, t in ipairs(threads) do
      h = h + (t:get("xhit") or 0)
      m = m + (t:get("xmiss") or 0)
      o = o + (t:get("xnone") or 0)
   end
   io.write(string.format("CACHE hit=%d miss=%d none=%d\n", h, m, o))
end
