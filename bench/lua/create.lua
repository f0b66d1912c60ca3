-- POST a new Patient to $PREFIX with a fresh synthetic fødselsnummer (born
-- 1900-1925, a range the generated patients do not use), living in Alver.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")
c.headers()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/fhir+json"
local prefix = os.getenv("PREFIX")
local w1 = { 3, 7, 6, 1, 8, 9, 4, 5, 2 }
local w2 = { 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 }
local space = 26 * 12 * 28 * 500
local k = (os.time() * 20011) % space

local function check(d, w, n)
  local s = 0
  for i = 1, n do s = s + d[i] * w[i] end
  local r = 11 - s % 11
  if r == 11 then r = 0 end
  return r
end

local function next_nid()
  while true do
    k = (k + 1) % space
    local ind = k % 500
    local rest = math.floor(k / 500)
    local day = rest % 28 + 1
    local month = math.floor(rest / 28) % 12 + 1
    local year = 1900 + math.floor(rest / (28 * 12)) % 26
    local s = string.format("%02d%02d%02d%03d", day, month + 80, year % 100, ind)
    local d = {}
    for i = 1, 9 do d[i] = tonumber(s:sub(i, i)) end
    local k1 = check(d, w1, 9)
    if k1 ~= 10 then
      d[10] = k1
      local k2 = check(d, w2, 10)
      if k2 ~= 10 then return s .. k1 .. k2 end
    end
  end
end

request = function()
  local body = '{"resourceType":"Patient","identifier":[{"system":"urn:oid:2.16.578.1.12.4.1.4.1",'
    .. '"value":"' .. next_nid() .. '"}],"name":[{"family":"Benk","given":["Ytelse"]}],'
    .. '"address":[{"extension":[{"url":"http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode",'
    .. '"valueCoding":{"system":"urn:oid:2.16.578.1.12.4.1.1.3402","code":"4631"}}]}]}'
  return wrk.format("POST", prefix, nil, body)
end
done = c.done
