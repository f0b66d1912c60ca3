-- POST a batch Bundle of 100 Observations to /fhir: 14 complete sets of 7 for
-- 14 random patients from $IDS, and 2 pulses.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")
c.headers()
wrk.headers["Content-Type"] = "application/fhir+json"
local ids = c.ids()
math.randomseed(os.time())
local vit = {
  { "9279-1", "/min", 16 }, { "59408-5", "%", 97 }, { "3151-8", "L/min", 0 }, { "8480-6", "mm[Hg]", 125 },
  { "8867-4", "/min", 72 }, { "8310-5", "Cel", "37.2" },
}
local function entry(pid, code, unit, value)
  return '{"resource":{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/' .. pid
    .. '"},"code":{"coding":[{"system":"http://loinc.org","code":"' .. code .. '"}]},"valueQuantity":{"value":'
    .. value .. ',"unit":"' .. unit .. '","system":"http://unitsofmeasure.org","code":"' .. unit
    .. '"}},"request":{"method":"POST","url":"Observation"}}'
end
local function acvpu(pid)
  return '{"resource":{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/' .. pid
    .. '"},"code":{"coding":[{"system":"http://loinc.org","code":"67775-7"}]},"valueCodeableConcept":{"coding":'
    .. '[{"system":"https://helsebro.no/fhir/CodeSystem/acvpu","code":"A"}]}},"request":{"method":"POST","url":"Observation"}}'
end
request = function()
  local e = {}
  for _ = 1, 14 do
    local pid = ids[math.random(#ids)]
    for _, v in ipairs(vit) do e[#e + 1] = entry(pid, v[1], v[2], v[3]) end
    e[#e + 1] = acvpu(pid)
  end
  for _ = 1, 2 do e[#e + 1] = entry(ids[math.random(#ids)], "8867-4", "/min", 70) end
  return wrk.format("POST", "/fhir", nil, '{"resourceType":"Bundle","type":"batch","entry":[' .. table.concat(e, ",") .. "]}")
end
done = c.done
