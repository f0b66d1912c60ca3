-- POST a complete set of vital signs (7 observations) for a random patient
-- from $IDS to /api/patients/{id}/vitals; one in ten deteriorating.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")
c.headers()
wrk.headers["Content-Type"] = "application/json"
local ids = c.ids()
math.randomseed(os.time())
local n = 0
request = function()
  n = n + 1
  local bad = n % 10 == 0
  local body = string.format('{"values":{"rr":"%d","spo2":"%d","oxygen":"0","sbp":"%d","pulse":"%d",'
    .. '"acvpu":"A","temperature":"%d.%d"}}', bad and 25 or 16, bad and 92 or 97, bad and 98 or 125,
    bad and 118 or 72, bad and 39 or 37, math.random(0, 9))
  return wrk.format("POST", "/api/patients/" .. ids[math.random(#ids)] .. "/vitals", nil, body)
end
done = c.done
