"""The dashboard in a real browser: `rasd api` serving seeded stories and an alert, driven by headless
Debian Chromium through Selenium. Checks what each page shows against the API's own answers, and
keeps a screenshot of each page in test-artifacts/browser/ (ignored by git)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.integration.harness import REPO, Rasd, deployment
from tests.integration.seed import ARTICLES, Seeded, seed
from worker.resources import Resources
from worker.settings import Settings
from worker.store import feeds_repo, tokens_repo

pytestmark = [pytest.mark.integration]

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTIFACTS = REPO / "test-artifacts" / "browser"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--window-size=1400,1000", "--lang=en-US")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("chromium and chromium-driver are missing (make test installs them with apt-get as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture()
def service(tmp_path: Path, redis_url: str) -> Iterator[tuple[Rasd, str, str, Seeded]]:
    """`rasd api` on a free port over a database seeded by the real pipeline, event times ending now."""
    port = free_port()
    with deployment(tmp_path, redis_url, extra_env={"RASD_API_PORT": str(port), "RASD_API_HOST": "127.0.0.1"}) as rasd:
        settings = Settings(_env_file=None, data_dir=tmp_path, redis_url=redis_url,  # type: ignore[call-arg]
                            database_url=rasd.database_url, import_feeds_on_start=False)
        res = Resources(settings)
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        try:
            seeded = seed(res, now)
            with res.engine.begin() as conn:
                token = tokens_repo.create_token(conn, "browser", "read", now)[1]
                feeds_repo.add_feed(conn, "https://alpha.example.org/rss", now, name="وكالة ألفا", interval=300)
        finally:
            res.close()
        base = f"http://127.0.0.1:{port}"
        rasd.start("api")
        rasd.wait_for(lambda: _up(base), 30, what="the API to answer")
        yield rasd, base, token, seeded


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def wait(driver: Any, check: Callable[[], Any], what: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except Exception:  # the element is not there yet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            notice = driver.find_element("id", "notice").text
            raise AssertionError(f"timed out waiting for {what}; notice: {notice!r}")
        time.sleep(0.05)


def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def open_page(driver: Any, url: str) -> None:
    driver.execute_script("document.body.dataset.state = 'loading'")
    driver.get(url)
    wait(driver, lambda: driver.execute_script("return document.body.dataset.state") == "ready", f"{url} to load")


def test_dashboard_pages_show_what_the_api_says(service: tuple[Rasd, str, str, Seeded], browser: Any) -> None:
    _rasd, base, token, seeded = service
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    by = "css selector"

    # Without a token the page says what it needs; with one, the map loads.
    browser.get(base + "/")
    wait(browser, lambda: "needs an API token" in browser.find_element("id", "notice").text, "the token notice")
    browser.find_element("id", "token").send_keys(token)
    browser.find_element(by, "#token-form button").click()
    wait(browser, lambda: browser.execute_script("return document.body.dataset.state") == "ready", "the map")

    # Map: every shipped polygon drawn, Idlib coloured by its alert; the region table equals /regions.
    polygons = browser.find_elements(by, "path.region-poly")
    assert len(polygons) == 84
    assert len(browser.find_elements(by, "path.region-poly.sev-warning")) == 1
    regions = {r["key"]: r for r in client.get("/regions").json()}
    rows = browser.find_elements(by, "#region-table tr[data-key]")
    shown = {r.get_attribute("data-key"): int(r.find_element(by, "td.stories").text) for r in rows}
    assert shown == {k: r["stories"] for k, r in regions.items() if r["stories"] or r["alert_severity"]}
    assert shown["SY:admin1:Idlib"] == 2
    assert "إدلب" in browser.find_element("id", "region-table").text
    shot(browser, "map")

    # Alert page: the evidence and the timeline.
    evidence = client.get(f"/alerts/{seeded.alert_id}").json()
    open_page(browser, f"{base}/#/alerts/{seeded.alert_id}")
    wait(browser, lambda: browser.find_element("id", "timeline").get_attribute("data-drawn") == "1", "the chart")
    assert browser.find_element("id", "observed").text == str(evidence["alert"]["observed"])
    assert browser.find_element("id", "casualties").text == "9 / 10"
    titles = [e.text for e in browser.find_elements(by, ".story .story-title")]
    assert titles == [s["title"] for s in evidence["stories"]] == [ARTICLES[0][2], ARTICLES[4][2]]
    assert browser.find_element(by, ".story .story-title").get_attribute("dir") == "auto"
    marks = browser.find_elements(by, ".story mark.casualty")
    assert any("سبعة" in m.text for m in marks) and browser.find_elements(by, ".story mark.escalation")
    counts = {r.find_elements(by, "td")[0].text: int(r.find_elements(by, "td")[1].text)
              for r in browser.find_elements(by, "#source-counts tr")[1:]}
    assert counts == evidence["sources"]
    assert browser.find_elements(by, "#timeline canvas")
    shot(browser, "alert")

    # Region timeline (daily): the chart's data table holds the API's series.
    open_page(browser, f"{base}/#/regions/{quote('SY:admin1:Idlib')}")
    wait(browser, lambda: browser.find_element("id", "timeline").get_attribute("data-drawn") == "1", "the chart")
    series = client.get("/regions/SY:admin1:Idlib/series", params={"scale": "day"}).json()
    table = [(r.get_attribute("data-start"), int(r.find_element(by, "td.observed").get_attribute("textContent")))
             for r in browser.find_elements(by, "#series-table tr[data-start]")]
    assert table == [(p["start"], p["observed"]) for p in series["points"]]
    assert sum(n for _, n in table) == 2
    shot(browser, "region")

    # Stories: search in Arabic, then export the filtered table as CSV.
    open_page(browser, f"{base}/#/stories")
    assert len(browser.find_elements(by, "#stories-table tr[data-story]")) == 4
    browser.find_element(by, "input[name=q]").send_keys("ادلب")
    browser.find_element(by, "#story-filters button[type=submit]").click()
    wait(browser, lambda: browser.find_element("id", "story-results").get_attribute("data-rows") == "2", "search")
    shown_ids = [int(r.get_attribute("data-story")) for r in browser.find_elements(by, "#stories-table tr[data-story]")]
    api_ids = [s["id"] for s in client.get("/stories", params={"q": "ادلب"}).json()["stories"]]
    assert shown_ids == api_ids and len(api_ids) == 2
    browser.find_element("id", "export-csv").click()
    target = browser.downloads / "stories.csv"
    wait(browser, lambda: target.exists() and target.stat().st_size > 0, "the CSV download")
    exported = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    expected = list(csv.DictReader(io.StringIO(
        client.get("/stories", params={"q": "ادلب", "format": "csv", "limit": 1000}).content.decode("utf-8-sig"))))
    assert exported == expected and [int(r["story_id"]) for r in exported] == api_ids
    assert exported[0]["title"] == ARTICLES[0][2]
    shutil.copy(target, ARTIFACTS / "stories.csv")
    shot(browser, "stories")

    # Feeds page with health; /docs from the vendored Swagger UI, with no request leaving the host.
    open_page(browser, f"{base}/#/feeds")
    assert "وكالة ألفا" in browser.find_element("id", "feeds-table").text
    shot(browser, "feeds")
    browser.get(f"{base}/docs")
    wait(browser, lambda: "Rasd API" in browser.find_element(by, ".swagger-ui .info").text or
         "Rasd" in browser.find_element(by, ".swagger-ui .info").text, "Swagger UI")
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert urls and all(u.startswith(base) for u in urls), urls
    shot(browser, "docs")
