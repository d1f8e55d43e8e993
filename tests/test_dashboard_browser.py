"""The dashboard in a real browser: headless Chromium through Selenium.

Each test loads a page of a dashboard served on 127.0.0.1 over a small store, interacts
with it, and checks that the browser logged no console error and asked no address but
the dashboard's own. Screenshots go to ``out/screenshots/`` (and the test's tmp dir).

Needs Debian's ``chromium`` and ``chromium-driver`` (``make test`` installs them when it
can); without them the tests are skipped, loudly.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dashboard_support import make_store

CHROMIUM = os.environ.get("UPRISING_CHROMIUM") or shutil.which("chromium") or ""
DRIVER = os.environ.get("UPRISING_CHROMEDRIVER") or shutil.which("chromedriver") or ""
SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
WAIT = 60.0
INTERNAL_SCHEMES = ("data", "blob", "about", "chrome", "chrome-untrusted", "devtools")

if not (CHROMIUM and DRIVER):
    MESSAGE = (
        "BROWSER TESTS SKIPPED: chromium and chromedriver not found "
        "(apt-get install chromium chromium-driver, or set UPRISING_CHROMIUM and "
        "UPRISING_CHROMEDRIVER)"
    )
    warnings.warn(MESSAGE, stacklevel=1)
    pytest.skip(MESSAGE, allow_module_level=True)

selenium = pytest.importorskip("selenium", reason="BROWSER TESTS SKIPPED: selenium missing")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from werkzeug.serving import make_server

    from uprising.dashboard.app import create_app

    folder = tmp_path_factory.mktemp("browser-store")
    ids = make_store(folder)
    app = create_app(folder, workers=1)
    app.uprising.aggregates.warm()
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.server_port}", "ids": ids, "app": app}
    httpd.shutdown()


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1400,1100",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


def wait_for(predicate, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception as exc:  # the element is not there yet
            last = exc
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} ({last})")


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def check_clean(driver, server, name, tmp_path):
    """No console error, no request to another address; save a screenshot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(tmp_path / f"{name}.png"))
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors
    here = urlparse(server["url"])
    requested = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert requested, "the performance log saw no request"
    # chrome:// pages are the browser's own (its new-tab page), not the network
    network = [url for url in requested if urlparse(url).scheme not in INTERNAL_SCHEMES]
    foreign = [
        url
        for url in network
        if (urlparse(url).hostname, urlparse(url).port) != (here.hostname, here.port)
    ]
    assert foreign == [], foreign
    assert any(url.startswith(server["url"]) for url in network)


def choose(driver, dropdown_id, text):
    """Pick the option containing ``text`` in a Dash dropdown."""
    driver.find_element(By.ID, dropdown_id).click()
    option = wait_for(
        lambda: [
            o for o in driver.find_elements(By.CSS_SELECTOR, "[role=option]") if text in o.text
        ],
        f"option {text!r} of {dropdown_id}",
    )
    option[0].click()


def graph_title(driver, graph_id):
    return driver.find_element(By.CSS_SELECTOR, f"#{graph_id} .gtitle").text


def test_ensembles_page(browser, server, tmp_path):
    browser.get(server["url"] + "/")
    table = wait_for(lambda: text_of(browser, "ens-table"), "the horizon table")
    assert "belarus-2022" in table and "russia-defeat" in table
    assert "chance only" in table
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#ens-fan .main-svg"), "fan chart")
    notes = wait_for(lambda: text_of(browser, "ens-notes"), "the chance-only notes")
    assert "Chance only" in notes
    # pick the design ensemble as B: its notes and the varied-parameter figure appear
    choose(browser, "ens-b", server["ids"]["lhs"])
    wait_for(lambda: "Design lhs" in text_of(browser, "ens-notes"), "the design note")
    wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, "#ens-design .main-svg"), "design figure"
    )
    choose(browser, "ens-fan-column", "political prisoners")
    wait_for(lambda: "political prisoners" in graph_title(browser, "ens-fan"), "the fan title")
    check_clean(browser, server, "ensembles", tmp_path)


def test_run_page_slider_play_and_recording(browser, server, tmp_path):
    browser.get(server["url"] + "/run")
    title = wait_for(lambda: graph_title(browser, "run-map"), "the map")
    assert "participants by region on 2022-10-01" in title
    thumb = browser.find_element(By.CSS_SELECTOR, "#run-day [role=slider]")
    thumb.click()
    for _ in range(5):
        thumb.send_keys(Keys.ARROW_RIGHT)
    wait_for(lambda: "on 2022-10-06" in graph_title(browser, "run-map"), "the map after the slider")
    browser.find_element(By.ID, "run-play").click()
    wait_for(lambda: "2022-10-06" not in graph_title(browser, "run-map"), "play moving the date")
    browser.find_element(By.ID, "run-play").click()  # pause
    # detentions by region need a recording: the page says so, then records the run
    browser.find_element(By.CSS_SELECTOR, "#run-layer input[value=detentions]").click()
    wait_for(lambda: "Record this run" in text_of(browser, "run-notes"), "the why-not note")
    browser.find_element(By.ID, "run-record").click()
    wait_for(lambda: "recorded" in text_of(browser, "run-record-status"), "the recording", 300)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#run-lattice .main-svg"), "lattice")
    assert "detentions a day by region" in graph_title(browser, "run-map")
    assert "The lattice on" in graph_title(browser, "run-lattice")
    check_clean(browser, server, "run", tmp_path)


def test_what_if_refuses_then_runs_a_tiny_ensemble(browser, server, tmp_path):
    browser.get(server["url"] + "/whatif")
    runs = wait_for(lambda: browser.find_element(By.ID, "wi-runs"), "the form")
    wait_for(lambda: "starts on 2022-10-01" in text_of(browser, "wi-start-date"), "base info")

    def fill(element_id, value):
        field = browser.find_element(By.ID, element_id)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(str(value))

    fill("wi-runs", 5000)
    browser.find_element(By.ID, "wi-start").click()
    refused = wait_for(lambda: text_of(browser, "wi-message"), "the refusal")
    assert "Not started" in refused and "runs: 5000 is outside 1 to 200" in refused
    runs.send_keys(Keys.CONTROL, "a")
    runs.send_keys("2")
    fill("wi-scale", 0.001)
    fill("wi-days", 30)
    fill("wi-sa", 4)
    fill("wi-sa-date", "2022-10-15")
    browser.find_element(By.ID, "wi-start").click()
    wait_for(lambda: "Queued" in text_of(browser, "wi-message"), "the job queued")
    state = wait_for(
        lambda: (
            browser.find_element(By.ID, "wi-state").get_attribute("data-state")
            in ("done", "failed")
            and browser.find_element(By.ID, "wi-state")
        ),
        "the ensemble to finish",
        180,
    )
    assert state.get_attribute("data-state") == "done", text_of(browser, "wi-progress")
    summary = wait_for(lambda: text_of(browser, "wi-summary"), "the result")
    assert "2 runs ok, 0 failed" in summary
    check_clean(browser, server, "whatif", tmp_path)
    # stored like any ensemble: the Ensembles page lists it
    # the result is redrawn every second: follow the link's address instead of the element
    href = wait_for(lambda: browser.find_element(By.ID, "wi-link").get_attribute("href"), "link")
    assert "/?ensemble=" in href
    browser.get(href)
    table = wait_for(lambda: text_of(browser, "ens-table"), "the horizon table")
    assert "whatif-" in table


def test_scenario_page(browser, server, tmp_path):
    browser.get(server["url"] + "/scenario")
    table = wait_for(lambda: text_of(browser, "sc-table"), "the parameter table")
    assert "legitimacy.initial" in table and "officers per 100,000 people" in table
    choose(browser, "sc-name", "epstein-run2")
    wait_for(lambda: "citizens.vision" in text_of(browser, "sc-table"), "Epstein's parameters")
    check_clean(browser, server, "scenario", tmp_path)
