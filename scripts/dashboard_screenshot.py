"""The dashboard's screenshots in docs/figures, from the store `make run` writes.

    make run
    python scripts/dashboard_screenshot.py --store out/ensembles

Serves the dashboard on 127.0.0.1, opens the Ensembles page and the A-run page (after
recording its first run) in headless Chromium, and writes ``dashboard.png`` and
``dashboard_run.png`` into ``--out`` (default docs/figures). Needs chromium and
chromedriver.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

from uprising.dashboard.app import create_app


def wait(driver, css: str, timeout: float = 300.0) -> None:
    """Wait until an element matching ``css`` is on the page."""
    deadline = time.monotonic() + timeout
    while not driver.find_elements(By.CSS_SELECTOR, css):
        if time.monotonic() > deadline:
            raise TimeoutError(css)
        time.sleep(0.2)


def main() -> None:
    """Serve the dashboard, take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("out/ensembles"))
    parser.add_argument("--out", type=Path, default=Path("docs/figures"))
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(args.store, warm=False)
    app.uprising.aggregates.warm()
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=1400,1500",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        driver.get(url + "/")
        wait(driver, "#ens-fan .main-svg")
        time.sleep(1.0)
        driver.save_screenshot(str(args.out / "dashboard.png"))
        driver.get(url + "/run")
        wait(driver, "#run-map .main-svg")
        driver.find_element(By.CSS_SELECTOR, "#run-layer input[value=prisoners]").click()
        driver.find_element(By.ID, "run-record").click()
        wait(driver, "#run-lattice .main-svg", timeout=900)
        thumb = driver.find_element(By.CSS_SELECTOR, "#run-day [role=slider]")
        thumb.click()
        for _ in range(3):
            thumb.send_keys("\ue00e")  # PAGE_UP: a tenth of the run per key
        time.sleep(2.0)
        driver.save_screenshot(str(args.out / "dashboard_run.png"))
    finally:
        driver.quit()
        httpd.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"wrote {args.out / 'dashboard.png'} and {args.out / 'dashboard_run.png'}")


if __name__ == "__main__":
    main()
