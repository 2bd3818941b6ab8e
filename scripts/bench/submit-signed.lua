-- wrk script: POST /transactions with the next pre-signed body of the file named by SIGNED_BODIES
-- (scripts/bench/sign-bodies.js wrote it: wrk cannot sign), a new transaction on every request.
function init(args)
  bodies = {}
  for line in io.lines(os.getenv("SIGNED_BODIES")) do
    bodies[#bodies + 1] = line
  end
  counter = 0
end

request = function()
  counter = counter + 1
  return wrk.format("POST", "/transactions", { ["Content-Type"] = "application/json" },
    bodies[(counter - 1) % #bodies + 1])
end
