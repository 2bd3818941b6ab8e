-- wrk script: naivechain's POST /mineBlock with new data on every request, as submit.lua does for
-- meshchain's POST /transactions (whose thread numbering and counters it shares).
dofile("scripts/bench/submit.lua")

request = function()
  counter = counter + 1
  local body = '{"data":"bench' .. tid .. ' load ' .. run .. ' ' .. counter .. '"}'
  return wrk.format("POST", "/mineBlock", { ["Content-Type"] = "application/json" }, body)
end
