-- POST /Users, a new user each time (names unique per wrk thread and run). See prepare.sh.
dofile(os.getenv("WRK_DATA") or "/tmp/provisio-wrk.lua")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local prefix = nil
local counter = 0

request = function()
  if prefix == nil then prefix = "wrk-" .. tostring(tid) .. "-" .. tostring(os.time()) .. "-" .. tostring(math.random(1, 1000000)) end
  counter = counter + 1
  local name = prefix .. "-" .. counter .. "@example.com"
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name .. '","externalId":"ext-' .. name ..
    '","active":true,"name":{"givenName":"Given","familyName":"Family"},"displayName":"Given Family",' ..
    '"emails":[{"value":"' .. name .. '","type":"work","primary":true}]}'
  return wrk.format("POST", base .. "/Users", {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/scim+json"}, body)
end
