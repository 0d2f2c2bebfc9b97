"""Seeds the demo tenant of a fresh `provisio up` for Tests/OpenAPI/run.sh and writes the schemathesis configuration.

    seed.py DEMO_JSON CONFIG_OUT DOCUMENTS_DIR

Through the real APIs: a user and a group (with the user as member) over SCIM, the IdP's groups made editable, a
custom identity attribute and its mapping, an API key, an OAuth client, a re-apply job and a webhook. The configuration names them as dictionaries
for the path parameters, so most generated requests reach real resources; the rest keep generated values.
Both documents are read as the gateway serves them (with the key) into DOCUMENTS_DIR, for schemathesis to load.
The configuration (mode 600) also carries the root admin key as the requests' bearer, so that it never goes onto a
command line.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request


def call(method, url, bearer, body=None, content_type="application/json"):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {bearer}")
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
            return answer.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"seed: {method} {url} answered {error.code}: {error.read()[:500]!r}")


def download(url, bearer, path):
    request = urllib.request.Request(url)
    request.add_header("Authorization", f"Bearer {bearer}")
    with urllib.request.urlopen(request, timeout=30) as answer, open(path, "wb") as file:
        file.write(answer.read())


def main():
    demo_path, config_path, documents_dir = sys.argv[1:4]
    with open(demo_path) as file:
        demo = json.load(file)
    scim, token, admin, key = demo["scimBaseURL"], demo["token"], demo["adminURL"], demo["adminKey"]
    tenant, idp = "demo", "default"
    api = admin.replace("/admin/v1", "/api/v1") + f"/tenants/{tenant}"
    idp_url = f"{admin}/tenants/{tenant}/idps/{idp}"

    _, user = call("POST", f"{scim}/Users", token, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@example.com", "externalId": "ada",
        "active": True, "name": {"givenName": "Ada", "familyName": "Lovelace"}, "emails": [{"value": "ada@example.com", "type": "work", "primary": True}],
    }, "application/scim+json")
    _, group = call("POST", f"{scim}/Groups", token, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering",
        "members": [{"value": user["id"]}],
    }, "application/scim+json")
    call("PATCH", idp_url, key, {"groupsEditable": True})  # so that the application API's group edit succeeds
    call("POST", f"{admin}/tenants/{tenant}/attributes", key, {"name": "costCenter", "type": "string"})
    call("PUT", f"{idp_url}/mappings/costCenter", key, {"scimPath": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"})
    _, job = call("POST", f"{idp_url}/mappings/reapply", key)
    _, api_key = call("POST", f"{admin}/tenants/{tenant}/api-keys", key, {"name": "openapi check", "role": "app"})
    _, client = call("POST", f"{idp_url}/clients", key)
    _, tokens = call("GET", f"{idp_url}/tokens", key)
    _, webhook = call("POST", f"{api}/webhooks", key, {"url": "http://127.0.0.1:9/openapi-check"})

    # The provisioning log's entries of those SCIM requests (the gateway sends them within a second).
    entries = []
    for _ in range(50):
        _, page = call("GET", f"{admin}/tenants/{tenant}/provisioning-log?limit=5", key)
        entries = [entry["id"] for entry in page["entries"]]
        if entries:
            break
        time.sleep(0.1)
    if not entries:
        sys.exit("seed: the provisioning log stayed empty after the seed's SCIM requests")

    dictionaries = {
        "tenant": [tenant], "idp": [idp], "id": [user["id"], group["id"], entries[0]], "user": [user["id"]],
        "name": ["costCenter", "Email"], "attribute": ["costCenter", "Email"], "job": [job["id"]],
        "key": [api_key["metadata"]["id"]], "client": [client["clientID"]],
        "token": [t["id"] for t in tokens["tokens"]], "webhook": [webhook["id"]],
    }
    lines = [f"headers = {{ Authorization = {json.dumps('Bearer ' + key)} }}\n"]
    for name, values in dictionaries.items():
        lines.append(f"[dictionaries.{name}]\nvalues = {json.dumps(values)}\n")
    lines.append("[parameters]")
    for name in dictionaries:
        lines.append(f'"path.{name}" = {{ dictionary = "{name}", probability = 0.9 }}')
    download(f"{admin}/openapi.json", key, os.path.join(documents_dir, "admin.json"))
    download(admin.replace("/admin/v1", "/api/v1") + "/openapi.json", key, os.path.join(documents_dir, "application.json"))
    descriptor = os.open(config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write("\n".join(lines) + "\n")
    print(f"seed: user {user['id']}, group {group['id']}, webhook {webhook['id']} in tenant {tenant}")


if __name__ == "__main__":
    main()
