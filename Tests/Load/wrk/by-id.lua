-- GET /Users/{id} of a random existing user. See prepare.sh.
dofile(os.getenv("WRK_DATA") or "/tmp/provisio-wrk.lua")

request = function()
  return wrk.format("GET", base .. "/Users/" .. ids[math.random(1, #ids)],
    {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/scim+json"})
end
