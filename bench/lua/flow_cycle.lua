-- Admissions and transfers under load: each wrk thread owns two beds of a ward
-- and cycles admit (bed a) -> move (to bed b) -> discharge -> free a -> free b,
-- one request at a time on its one connection, so answers come back in order.
-- $UNIT: the ward, $BEDS: beds per ward, $IDS: patients without a stay,
-- $TOKEN: a clinician of the hospital. Run with as many connections as threads.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

function init(args)
  c.headers()
  wrk.headers["Content-Type"] = "application/json"
  ids = c.ids()
  unit = os.getenv("UNIT")
  bed_a = 2 * index - 1
  bed_b = 2 * index
  step = 0
  stay = nil
  patient = index
  n_threads = tonumber(os.getenv("THREADS"))
end

request = function()
  if step == 0 then
    patient = patient + n_threads
    if patient > #ids then patient = index end
    return wrk.format("POST", "/api/stays", nil,
      '{"patientId":"' .. ids[patient] .. '","unitId":"' .. unit .. '","bed":' .. bed_a .. ',"source":"legevakt"}')
  elseif step == 1 then
    return wrk.format("POST", "/api/stays/" .. stay .. "/move", nil,
      '{"unitId":"' .. unit .. '","bed":' .. bed_b .. '}')
  elseif step == 2 then
    return wrk.format("POST", "/api/stays/" .. stay .. "/discharge", nil, '{"to":"home"}')
  elseif step == 3 then
    return wrk.format("PUT", "/api/units/" .. unit .. "/beds/" .. bed_a, nil, '{"state":"free"}')
  else
    return wrk.format("PUT", "/api/units/" .. unit .. "/beds/" .. bed_b, nil, '{"state":"free"}')
  end
end

response = function(status, headers, body)
  if step == 0 then
    if status == 201 then
      stay = string.match(body, '"id":"(%d+)"')
      step = 1
    end -- a refused admission (patient busy elsewhere) is tried with the next patient
  elseif step == 1 then
    step = status == 200 and 2 or 2
  else
    step = (step + 1) % 5
  end
end

done = c.done
