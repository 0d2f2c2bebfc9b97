#!/usr/bin/env bash
# Prepares the wrk scripts of this folder for a running stack: reads the SCIM base URL and token from its demo.json,
# fetches up to 1,000 existing users (id and userName) and writes them, as Lua, to OUT (default /tmp/provisio-wrk.lua).
#
#   bash Tests/Load/wrk/prepare.sh .provisio/demo.json [OUT]
#   WRK_DATA=/tmp/provisio-wrk.lua wrk -t2 -c64 -d8s --latency -s Tests/Load/wrk/filter.lua http://127.0.0.1:8080
#
# The scripts: filter.lua (GET /Users?filter=userName eq "<random user>"), by-id.lua (GET /Users/{random id}),
# create.lua (POST /Users, a new user each time). Seed users first, e.g. with `provisio-load scale --demo … --users 20000`.
set -euo pipefail
command -v wrk >/dev/null || echo "note: wrk is not installed (Debian: apt-get install wrk)" >&2
demo="${1:?demo.json of a running stack}"
out="${2:-/tmp/provisio-wrk.lua}"
python3 - "$demo" "$out" <<'PY'
import json, sys, urllib.parse, urllib.request
demo = json.load(open(sys.argv[1]))
base_url, token = demo["scimBaseURL"], demo["token"]
request = urllib.request.Request(base_url + "/Users?count=1000&attributes=userName", headers={"Authorization": "Bearer " + token})
users = json.load(urllib.request.urlopen(request))["Resources"]
if not users:
    sys.exit("The stack has no users yet: seed some first (provisio-load scale --demo … --users 20000).")
def lua(text):
    return json.dumps(text)  # a JSON string is a valid Lua string literal for these characters
with open(sys.argv[2], "w") as out:
    out.write("base = %s\n" % lua(urllib.parse.urlparse(base_url).path))
    out.write("token = %s\n" % lua(token))
    out.write("ids = {%s}\n" % ",".join(lua(u["id"]) for u in users))
    out.write("names = {%s}\n" % ",".join(lua(u["userName"]) for u in users))
print("%d users written to %s" % (len(users), sys.argv[2]))
PY
