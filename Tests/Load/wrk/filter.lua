-- GET /Users?filter=userName eq "<a random existing user>" (an IdP's lookup before a create). See prepare.sh.
dofile(os.getenv("WRK_DATA") or "/tmp/provisio-wrk.lua")

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  local name = names[math.random(1, #names)]
  return wrk.format("GET", base .. "/Users?filter=" .. encode('userName eq "' .. name .. '"'),
    {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/scim+json"})
end
