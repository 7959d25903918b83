-- wrk script: POST prepared forms, each line of a file used once (bench/load.py writes the file).
--
--   wrk -t T -c C -d 30s -s bench/wrk/form_posts.lua http://127.0.0.1:PORT -- requests.tsv T /ready/ [LOCATION [PATTERN [STATUSES]]]
--
-- A line is "path<TAB>cookie<TAB>urlencoded body" (the cookie may be empty). Thread i of T takes
-- the lines i, i+T, i+2T, ...: every request is a different line (for the ballot scenario, a
-- different citizen), and a thread that has used all its lines stops instead of repeating one
-- (wrk wants a request even then: a GET of the third argument, which stopping keeps unsent).
-- done() prints one JSON line, prefixed "WRK-RESULT ", with wrk's counts and what the responses
-- were: wrk itself counts a 3xx (e.g. a redirect to the sign-in page) as a success; here a response
-- is ok when it is a 200, or a 303 whose Location is the fourth argument when one is given (a POST
-- answered by a redirect to its result page, Post/Redirect/Get; wrk does not follow it), or a 303 whose
-- Location matches the Lua pattern PATTERN when one is given (a result page of its own per request,
-- e.g. "^/complaints/%d+%-%d+/filed/$"); STATUSES, when given, replaces "200" as the list of statuses
-- that are a success by themselves ("-" for none: then a 200, e.g. a form shown again with its
-- errors, is a failure). `sent` counts
-- the lines handed to wrk; those without a response (in flight when the run ended or the thread
-- stopped, or on a connection the server closed) are sent - ok - failed.

local threads = {}
local thread_count = 0

function setup(thread)
   thread:set("thread_number", thread_count)
   thread_count = thread_count + 1
   table.insert(threads, thread)
end

function init(args)
   local path, total = args[1], tonumber(args[2])
   idle_path = args[3] or "/"
   ok_location = args[4] or ""
   ok_pattern = args[5] or ""
   ok_statuses = {}
   for code in string.gmatch(args[6] or "200", "%d+") do
      ok_statuses[tonumber(code)] = true
   end
   prepared = {}
   local line_number = 0
   for line in io.lines(path) do
      if line_number % total == thread_number then
         local url, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
         local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
         if cookie ~= "" then
            headers["Cookie"] = cookie
         end
         table.insert(prepared, wrk.format("POST", url, headers, body))
      end
      line_number = line_number + 1
   end
   next_line = 0
   sent = 0
   ok = 0
   failed = 0
   exhausted = 0
   statuses = ""
end

function request()
   next_line = next_line + 1
   if next_line > #prepared then
      -- Nothing left to send: stop this thread (the request returned here is never sent).
      exhausted = 1
      wrk.thread:stop()
      return wrk.format("GET", idle_path)
   end
   sent = sent + 1
   return prepared[next_line]
end

function response(status, headers, body)
   local location = headers["Location"] or headers["location"]
   local by_status = ok_statuses[status] or false
   if by_status or (status == 303 and ok_location ~= "" and location == ok_location)
      or (status == 303 and ok_pattern ~= "" and location ~= nil and string.match(location, ok_pattern) ~= nil) then
      ok = ok + 1
   else
      failed = failed + 1
      if #statuses < 200 then
         statuses = statuses .. status .. " "
      end
   end
end

function done(summary, latency, requests)
   local sent_total, ok_total, failed_total, exhausted_threads, statuses_seen = 0, 0, 0, 0, ""
   for _, thread in ipairs(threads) do
      sent_total = sent_total + thread:get("sent")
      ok_total = ok_total + thread:get("ok")
      failed_total = failed_total + thread:get("failed")
      exhausted_threads = exhausted_threads + thread:get("exhausted")
      statuses_seen = statuses_seen .. thread:get("statuses")
   end
   local errors = summary.errors
   io.write(string.format(
      'WRK-RESULT {"duration_us": %d, "requests": %d, "sent": %d, "ok": %d, "failed": %d, "exhausted_threads": %d, '
         .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, '
         .. '"timeouts": %d, "latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, '
         .. '"failed_statuses": "%s"}\n',
      summary.duration, summary.requests, sent_total, ok_total, failed_total, exhausted_threads,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
      statuses_seen
   ))
end
