-- wrk script of benchmarks/supervision.py: each request is the next student's POST.
-- The file named by the first argument holds one request a line: path, session cookie, body
-- (tab-separated); the second is wrk's thread count n: thread k sends lines k, k + n, k + 2n, ...
-- so no two requests repeat (each thread's init runs before the next thread is set up, so the
-- count cannot be taken from setup).
local threads = 0
local all = {}

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
  all[#all + 1] = thread
end

function init(args)
  entries = {}
  for line in io.lines(args[1]) do
    local path, cookie, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
    entries[#entries + 1] = { path, cookie, body }
  end
  step = tonumber(args[2])
  next_index = tid + 1
  statuses = {}
end

function response(status, headers, body)
  local key = tostring(status)
  if status == 302 and headers["Location"] and headers["Location"]:find("/login") then
    key = "302 to /login"
  end
  statuses[key] = (statuses[key] or 0) + 1
end

-- One line per answer status ("status 302: 1234"), summed over the threads, for the table.
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(all) do
    for key, count in pairs(thread:get("statuses")) do
      total[key] = (total[key] or 0) + count
    end
  end
  for key, count in pairs(total) do
    io.write(string.format("status %s: %d\n", key, count))
  end
end

function request()
  local entry = entries[next_index]
  if entry == nil then
    -- Out of students: repeating one would be refused (409), and counted as an error.
    next_index = tid + 1
    entry = entries[next_index]
  end
  next_index = next_index + step
  return wrk.format("POST", entry[1], {
    ["Cookie"] = "session=" .. entry[2],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = "skillbridge-load",
  }, entry[3])
end
