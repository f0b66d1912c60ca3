-- GET $PREFIX?name=<a common family name>&_count=20, rotating names.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")
c.headers()
local names = { "hansen", "olsen", "haugland", "brekke", "solheim", "myking", "lygre", "vik" }
local prefix, i = os.getenv("PREFIX"), 0
request = function()
  i = i + 1
  return wrk.format("GET", prefix .. "?name=" .. names[i % #names + 1] .. "&_count=20")
end
done = c.done
