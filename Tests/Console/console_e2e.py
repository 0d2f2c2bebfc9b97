"""The admin console end to end in headless Chromium against a live stack (Tests/Console/run.sh starts it).

Usage: console_e2e.py DEMO_JSON SCREENSHOT_DIR. Each step prints its name; the run ends with 'N passed, N failed'.
The scenario: a signed-out visit lands on the login page; sign in with the root key; create a tenant and add an IdP;
read its SCIM URL (copy button present); create a token (shown once) and use it for a SCIM POST /Users; find the user in the Users tab; find a refused
request in the IdP list's health and in the Provisioning log tab (filtered, with its detail); recreate the token (the
old one stops); create an OAuth client and get an access token with it; the IdP page at phone width and in the dark
theme; revoke the token; read the activity log and create a viewer API key in the console; add a custom identity attribute, map it and re-apply the mappings; sign out; sign in as the
viewer: no write control, and a forged POST is 403; and throughout, the browser console shows no CSP violation or
script error.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

DEMO = json.load(open(sys.argv[1]))
SHOTS = sys.argv[2]
ADMIN_URL = DEMO["adminURL"].rstrip("/")
BASE = ADMIN_URL[: -len("/admin/v1")]
TENANT = "console-e2e"
passed = 0


def http(method, url, body=None, bearer=None, content_type="application/scim+json"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if bearer:
        request.add_header("Authorization", "Bearer " + bearer)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def step(name):
    def wrap(function):
        global passed
        print("--", name, flush=True)
        function()
        passed += 1
    return wrap


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800", "--disable-gpu"]:
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
# A condition read while the page is being replaced (a form's post-redirect-get) can hit the old document's nodes:
# Chromium then answers "Node with given id does not belong to the document" (a plain WebDriverException, not a
# stale-element one). The wait reads the condition again instead of failing; a condition that never holds still
# ends in a timeout.
wait = WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,))
browser_log = []


def collect_log():
    browser_log.extend(driver.get_log("browser"))


def shot(name):
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))
    collect_log()


def submit(element_id):
    driver.find_element(By.ID, element_id).click()


def accept_confirm():
    wait.until(expected_conditions.alert_is_present())
    driver.switch_to.alert.accept()


def at(path):
    wait.until(lambda d: d.current_url.split("?")[0] == BASE + path)


state = {}
try:

    @step("a signed-out visit lands on the login page")
    def _():
        driver.get(BASE + "/console")
        at("/console/login")
        assert driver.find_element(By.NAME, "key").get_attribute("type") == "password"
        shot("login")

    @step("sign in with the root key")
    def _():
        driver.find_element(By.NAME, "key").send_keys(DEMO["adminKey"])
        submit("sign-in")
        at("/console/tenants")
        assert "Tenants" in driver.title
        shot("tenants")

    @step("create a tenant and add an identity provider")
    def _():
        driver.find_element(By.ID, "tenant-name").send_keys("Console E2E")
        driver.find_element(By.ID, "tenant-id").send_keys(TENANT)
        submit("create-tenant")
        at("/console/tenants/" + TENANT)
        driver.find_element(By.ID, "idp-name").send_keys("Entra")
        driver.find_element(By.ID, "idp-description").send_keys("Corporate directory")
        driver.find_element(By.CSS_SELECTOR, "#idp-type option[value=Azure]").click()
        submit("create-idp")
        wait.until(lambda d: "/idps/" in d.current_url)
        state["idp_page"] = driver.current_url

    @step("read the SCIM base URL; its copy button is there and works")
    def _():
        url = driver.find_element(By.ID, "scim-url").get_attribute("value")
        assert url.startswith(BASE + "/scim/v2/" + TENANT + "/"), url
        state["scim"] = url
        driver.find_element(By.ID, "copy-scim-url").click()
        wait.until(lambda d: d.find_element(By.ID, "live").get_attribute("textContent") != "")
        shot("idp")

    @step("the setup guide for the IdP's provider type has its SCIM URL filled in")
    def _():
        driver.find_element(By.LINK_TEXT, "Setup guide").click()
        at(state["idp_page"][len(BASE):] + "/setup")
        assert driver.find_element(By.ID, "setup-scim-url").get_attribute("value") == state["scim"]
        assert "Microsoft Entra ID" in driver.find_element(By.ID, "setup-steps").text
        shot("setup-guide")
        driver.get(state["idp_page"])

    @step("create a token (shown once) and use it for a SCIM POST /Users")
    def _():
        driver.find_element(By.ID, "token-days").send_keys("30")
        submit("create-token-button")
        token = wait.until(lambda d: d.find_element(By.ID, "secret-value")).get_attribute("value")
        assert token.startswith("pvs_"), token
        assert token not in driver.current_url
        shot("token-created")
        assert driver.execute_script("return document.getElementById('secret-dialog').matches(':modal')")
        submit("close-secret")
        wait.until(lambda d: not d.find_element(By.ID, "secret-dialog").is_displayed())
        state["token"] = token
        status, body = http("POST", state["scim"] + "/Users", {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@example.com", "active": True,
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"type": "work", "value": "ada@example.com", "primary": True}],
        }, bearer=token)
        assert status == 201, (status, body)
        driver.get(state["idp_page"])
        assert token not in driver.page_source, "the token is shown only once"

    @step("find the provisioned user in the Users tab")
    def _():
        driver.find_element(By.LINK_TEXT, "Users").click()
        driver.find_element(By.ID, "search-username").send_keys("ada@example.com")
        submit("search-users")
        wait.until(lambda d: "userName=" in d.current_url)
        link = wait.until(lambda d: d.find_element(By.LINK_TEXT, "ada@example.com"))
        shot("users")
        link.click()
        assert wait.until(lambda d: d.find_element(By.TAG_NAME, "h1")).text == "ada@example.com"
        assert "Lovelace" in driver.find_element(By.ID, "user-fields").text + driver.find_element(By.TAG_NAME, "main").text
        shot("user")

    @step("a refused request shows in the IdP's health and in its provisioning log tab")
    def _():
        status, _ = http("POST", state["scim"] + "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]},
                         bearer=state["token"])
        assert status == 400, status
        deadline = time.time() + 20
        while True:
            driver.get(BASE + "/console/tenants/" + TENANT)
            cell = driver.find_element(By.CSS_SELECTOR, "#idps .badge").text
            if cell.replace(" ", "") == "1/1":
                break
            assert time.time() < deadline, cell
            time.sleep(1)
        shot("tenant")
        driver.get(state["idp_page"])
        driver.find_element(By.LINK_TEXT, "Provisioning log").click()
        driver.find_element(By.CSS_SELECTOR, "#log-status option[value=failure]").click()
        submit("apply-filters")
        wait.until(lambda d: "status=failure" in d.current_url)
        rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#log .log-row"))
        assert len(rows) == 1 and "400" in rows[0].text, [r.text for r in rows]
        assert "status=failure" in driver.find_element(By.ID, "log-csv").get_attribute("href")
        shot("provisioning-log")
        rows[0].find_element(By.TAG_NAME, "a").click()
        assert "400" in wait.until(lambda d: d.find_element(By.ID, "log-entry")).text
        shot("provisioning-log-entry")

    @step("recreate the token: the old one stops, the new one works")
    def _():
        driver.get(state["idp_page"])
        driver.find_element(By.CSS_SELECTOR, ".token-row details summary").click()
        driver.find_element(By.CSS_SELECTOR, "form.recreate button[type=submit]").click()
        accept_confirm()
        token = wait.until(lambda d: d.find_element(By.ID, "secret-value")).get_attribute("value")
        assert token.startswith("pvs_") and token != state["token"]
        status, _ = http("GET", state["scim"] + "/Users", bearer=state["token"])
        assert status == 401, status
        status, _ = http("GET", state["scim"] + "/Users", bearer=token)
        assert status == 200, status
        state["token"] = token

    @step("create an OAuth client (secret shown once) and get an access token with it")
    def _():
        import base64
        import urllib.parse
        driver.get(state["idp_page"])
        token_url = driver.find_element(By.ID, "token-url").get_attribute("value")
        assert token_url == BASE + "/oauth/v2/" + TENANT + "/token", token_url
        submit("create-client-button")
        secret = wait.until(lambda d: d.find_element(By.ID, "secret-value")).get_attribute("value")
        client_id = driver.find_element(By.ID, "secret-client-id").get_attribute("value")
        shot("oauth-client")
        request = urllib.request.Request(token_url, data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(), method="POST")
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode())
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=15) as response:
            access = json.loads(response.read())["access_token"]
        status, _ = http("GET", state["scim"] + "/Users", bearer=access)
        assert status == 200, status
        driver.get(state["idp_page"])
        assert secret not in driver.page_source, "the secret is shown only once"

    @step("the IdP page at phone width and in the dark theme")
    def _():
        driver.get(state["idp_page"])
        driver.set_window_size(390, 844)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, width  # no sideways scrolling of the page itself
        shot("idp-phone")
        driver.set_window_size(1280, 800)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        driver.get(state["idp_page"])
        background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(17, 20, 24)", background
        shot("idp-dark")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})

    @step("revoke the token after confirming what breaks")
    def _():
        driver.get(state["idp_page"])
        form = driver.find_element(By.CSS_SELECTOR, "form.revoke")
        assert "next sync will fail" in form.get_attribute("data-confirm")
        form.find_element(By.CSS_SELECTOR, "button").click()
        accept_confirm()
        wait.until(lambda d: d.find_elements(By.ID, "no-tokens"))
        status, _ = http("GET", state["scim"] + "/Users", bearer=state["token"])
        assert status == 401, status

    @step("the activity log and a viewer API key created in the console (shown once)")
    def _():
        driver.find_element(By.LINK_TEXT, "Activity").click()
        at("/console/tenants/" + TENANT + "/activity")
        assert driver.find_elements(By.CSS_SELECTOR, "#activity tbody tr")
        shot("activity")
        driver.find_element(By.LINK_TEXT, "API keys").click()
        at("/console/tenants/" + TENANT + "/api-keys")
        driver.find_element(By.ID, "key-name").send_keys("auditor")
        driver.find_element(By.CSS_SELECTOR, "#key-role option[value=viewer]").click()
        submit("create-key-button")
        key = wait.until(lambda d: d.find_element(By.ID, "secret-value")).get_attribute("value")
        assert key.startswith("pvk_"), key
        shot("api-keys")
        submit("close-secret")
        state["viewer_key"] = key

    @step("add a custom identity attribute")
    def _():
        driver.find_element(By.LINK_TEXT, "Identity attributes").click()
        at("/console/tenants/" + TENANT + "/attributes")
        driver.find_element(By.ID, "attribute-name").send_keys("Cost Center")
        driver.find_element(By.ID, "attribute-description").send_keys("Finance cost center")
        driver.find_element(By.ID, "attribute-multi").click()
        submit("add-attribute-button")
        wait.until(lambda d: "Cost Center" in d.find_element(By.ID, "attributes").text)
        shot("attributes")

    @step("map the custom attribute in the User mapping tab and re-apply")
    def _():
        driver.get(state["idp_page"])
        driver.find_element(By.LINK_TEXT, "User mapping").click()
        toggle = wait.until(lambda d: d.find_element(By.ID, "mapped-toggle"))
        assert toggle.get_attribute("aria-checked") == "true"
        toggle.click()
        field = wait.until(lambda d: d.find_element(By.ID, "scim-path-Cost%20Center"))
        field.send_keys("urn:ietf:params:scim:schemas:extension:custom:2.0:User:costCenter")
        field.find_element(By.XPATH, "following-sibling::button").click()
        wait.until(expected_conditions.staleness_of(field))
        wait.until(lambda d: d.find_element(By.ID, "mapped-toggle").get_attribute("aria-checked") == "true")
        assert "Cost Center" in driver.find_element(By.ID, "mappings").text
        shot("user-mapping")
        submit("reapply-button")
        state_text = wait.until(lambda d: d.find_element(By.ID, "job-state")).text
        assert state_text in ("pending", "running", "completed"), state_text
        wait.until(lambda d: d.find_element(By.ID, "job-state").text == "completed")

    @step("sign out")
    def _():
        submit("sign-out")
        at("/console/login")
        driver.get(state["idp_page"])
        at("/console/login")

    @step("a viewer sees no write control and a forged POST is 403")
    def _():
        driver.find_element(By.NAME, "key").send_keys(state["viewer_key"])
        submit("sign-in")
        at("/console/tenants/" + TENANT)
        assert not driver.find_elements(By.ID, "create-idp")
        driver.get(state["idp_page"])
        for selector in ["#create-token", "#save-settings", "form.revoke", "form.recreate", "#create-client", "form.rotate"]:
            assert not driver.find_elements(By.CSS_SELECTOR, selector), selector
        shot("viewer")
        status = driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            const csrf = document.querySelector("input[name=csrf]").value;
            fetch(location.pathname + "/tokens", {method: "POST", body: new URLSearchParams({csrf, validDays: "30"})})
              .then(r => done(r.status), e => done(String(e)));
            """
        )
        assert status == 403, status
        submit("sign-out")
        at("/console/login")

    @step("the browser console shows no CSP violation or script error")
    def _():
        collect_log()
        bad = [e for e in browser_log
               if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]
               or "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
        assert not bad, bad

    print(f"Console: {passed} passed, 0 failed")
except Exception as error:  # noqa: BLE001 - any failure ends the run with its step named above
    import traceback
    traceback.print_exc()
    try:
        shot("failure")
    except Exception:  # noqa: BLE001
        pass
    print(f"Console: {passed} passed, 1 failed")
    sys.exit(1)
finally:
    driver.quit()
