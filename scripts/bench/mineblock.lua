-- wrk script: naivechain's POST /mineBlock with new data on every request, as submit.lua does for
-- meshchain's POST /transactions.
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
  local body = '{"data":"bench' .. tid .. ' load ' .. run .. ' ' .. counter .. '"}'
  return wrk.format("POST", "/mineBlock", { ["Content-Type"] = "application/json" }, body)
end
