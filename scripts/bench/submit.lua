-- wrk script: POST /transactions with a new transaction on every request.
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
  run = tostring(os.time())
end

request = function()
  counter = counter + 1
  local body = '{"sender":"bench' .. tid .. '","content":"load ' .. run .. ' ' .. counter .. '"}'
  return wrk.format("POST", "/transactions", { ["Content-Type"] = "application/json" }, body)
end
