-- GET $PREFIX/<random id from $IDS>.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")
c.headers()
local ids, prefix = c.ids(), os.getenv("PREFIX")
math.randomseed(os.time())
request = function() return wrk.format("GET", prefix .. ids[math.random(#ids)]) end
done = c.done
