-- GET a fixed path ($PATH_FIXED).
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")
c.headers()
local path = os.getenv("PATH_FIXED")
request = function() return wrk.format("GET", path) end
done = c.done
