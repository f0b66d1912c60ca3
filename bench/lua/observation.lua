-- POST one FHIR Observation (a pulse) for a random patient from $IDS.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")
c.headers()
wrk.headers["Content-Type"] = "application/fhir+json"
local ids = c.ids()
math.randomseed(os.time())
request = function()
  local body = '{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/'
    .. ids[math.random(#ids)] .. '"},"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},'
    .. '"valueQuantity":{"value":' .. math.random(55, 95) .. ',"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}}'
  return wrk.format("POST", "/fhir/Observation", nil, body)
end
done = c.done
