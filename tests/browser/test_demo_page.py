"""The demo's phone page in Debian's Chromium: be the inspector, talk to the bot, tap."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo import Demo, start_demo

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_S = 20


class DemoThread:
    """The demo on its own event loop in a thread, so blocking Selenium calls cannot stall it."""

    def __init__(self, directory: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="demo", daemon=True)
        self.directory = directory
        self.demo: Demo | None = None

    def start(self) -> Demo:
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(start_demo(self.directory), self.loop)
        self.demo = future.result(timeout=60)
        return self.demo

    def stop(self) -> None:
        if self.demo is not None:
            asyncio.run_coroutine_threadsafe(self.demo.stop(), self.loop).result(timeout=30)
        asyncio.run_coroutine_threadsafe(_finish_tasks(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


async def _finish_tasks() -> None:
    """Cancel and await what is left (closed page streams), as ``asyncio.run`` would."""
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """The whole demo (sandbox, seeded database, bot) on a free port."""
    runner = DemoThread(tmp_path / "demo")
    try:
        yield runner.start()
    finally:
        runner.stop()


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Headless Chromium driven through Debian's chromedriver; nothing is downloaded."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (make test installs it)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=zh-CN",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _bot_bubble_with(driver, text: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def find(d):
        for bubble in d.find_elements(By.CSS_SELECTOR, ".row.in .bubble"):
            if text in bubble.text:
                return bubble
        return False

    return WebDriverWait(driver, WAIT_S).until(find, f"no bot message containing {text!r}")


def _send(driver, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element(By.ID, "input")
    field.send_keys(text)
    field.send_keys(Keys.ENTER)


def test_inspector_starts_and_taps_a_button(demo: Demo, browser, tmp_path: Path) -> None:
    """A newcomer opens the page, becomes 王督查, sends /start, is greeted, and taps a button."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(demo.page_url)
    wait = WebDriverWait(browser, WAIT_S)
    tabs = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".person[data-user]"))
    names = [tab.find_element(By.CSS_SELECTOR, ".p-name").text for tab in tabs]
    assert names[:6] == ["王督查", "李代表", "赵联络", "孙联络", "办公室", "陈主任"]

    browser.find_element(By.CSS_SELECTOR, '.person[data-user="1001"]').click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1001")
    assert "王督查" in browser.find_element(By.ID, "who").text

    _send(browser, "/start")
    greeting = _bot_bubble_with(browser, "王督查")
    assert "督查人员" in greeting.text
    # The user's own message is on the right, the bot's on the left.
    assert browser.find_element(By.CSS_SELECTOR, ".row.out .bubble").text.startswith("/start")

    _send(browser, "/lang")
    _bot_bubble_with(browser, "请选择语言")
    button = wait.until(
        lambda d: next(
            (b for b in d.find_elements(By.CSS_SELECTOR, ".kb-btn") if b.text == "中文"), False
        )
    )
    button.click()
    _bot_bubble_with(browser, "已切换为中文")
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".kb-btn.busy"))

    # Markup from the bot is rendered from entities: <b> for the role, never raw tags.
    bold = greeting.find_elements(By.TAG_NAME, "b")
    assert [b.text for b in bold] == ["督查人员"]
    assert "<b>" not in greeting.text

    browser.save_screenshot(str(tmp_path / "demo-desktop.png"))
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    wait.until(lambda d: not d.find_element(By.ID, "intro").is_displayed())
    phone = browser.find_element(By.ID, "phone").rect
    assert phone["width"] == 390
    browser.save_screenshot(str(tmp_path / "demo-phone.png"))
    assert (tmp_path / "demo-desktop.png").stat().st_size > 10_000
    assert (tmp_path / "demo-phone.png").stat().st_size > 10_000
    if os.environ.get("DUBAN_KEEP_SCREENSHOTS"):
        keep = Path(os.environ["DUBAN_KEEP_SCREENSHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        for name in ("demo-desktop.png", "demo-phone.png"):
            (keep / name).write_bytes((tmp_path / name).read_bytes())
