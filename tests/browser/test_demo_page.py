"""The demo's phone page in Debian's Chromium: be the inspector, talk to the bot, tap."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.demo import Demo, start_demo

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


def _wait(driver):
    """A wait that looks again when an element was replaced (an edit re-renders its row)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,))


def _bot_bubble_with(driver, text: str):
    from selenium.webdriver.common.by import By

    def find(d):
        for bubble in reversed(d.find_elements(By.CSS_SELECTOR, ".row.in .bubble")):
            if text in bubble.text:
                return bubble
        return False

    return _wait(driver).until(find, f"no bot message containing {text!r}")


def _tap(driver, label: str) -> None:
    from selenium.webdriver.common.by import By

    _wait(driver).until(
        lambda d: next(
            (b for b in reversed(d.find_elements(By.CSS_SELECTOR, ".kb-btn")) if b.text == label),
            False,
        ),
        f"no inline button {label!r}",
    ).click()


def _be(driver, user_id: int) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'.person[data-user="{user_id}"]').click()
    _wait(driver).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == str(user_id)
    )


def _send(driver, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element(By.ID, "input")
    field.send_keys(text)
    field.send_keys(Keys.ENTER)


def test_inspector_starts_and_taps_a_button(demo: Demo, browser, tmp_path: Path) -> None:
    """A newcomer opens the page, becomes 王督查, sends /start, is greeted, and taps a button."""
    from selenium.webdriver.common.by import By

    browser.get(demo.page_url)
    wait = _wait(browser)
    tabs = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".person[data-user]"))
    names = [tab.find_element(By.CSS_SELECTOR, ".p-name").text for tab in tabs]
    assert names[:6] == ["王督查", "李代表", "赵联络", "孙联络", "办公室", "陈主任"]

    _be(browser, 1001)
    assert "王督查" in browser.find_element(By.ID, "who").text

    _send(browser, "/start")
    greeting = _bot_bubble_with(browser, "王督查")
    assert "督查人员" in greeting.text
    # The user's own message is on the right, the bot's on the left.
    assert browser.find_element(By.CSS_SELECTOR, ".row.out .bubble").text.startswith("/start")

    _send(browser, "/lang")
    _bot_bubble_with(browser, "请选择语言")
    _tap(browser, "中文")
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


def test_invitation_link_opens_as_a_new_person(demo: Demo, browser) -> None:
    """The office invites someone; tapping the link registers a new person on the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(demo.page_url + "#as=9001")
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "9001")
    _send(browser, "/invite")
    _tap(browser, "督查人员")
    _bot_bubble_with(browser, "姓名")
    _send(browser, "钱代表")
    invitation = _bot_bubble_with(browser, "t.me/")
    invitation.find_element(By.CSS_SELECTOR, "a[href*='start=']").click()
    name = wait.until(lambda d: d.find_element(By.ID, "modal-input"))
    wait.until(lambda d: name.is_displayed())
    name.clear()
    name.send_keys("钱代表", Keys.ENTER)
    welcome = _bot_bubble_with(browser, "欢迎")
    assert "钱代表" in welcome.text
    assert "钱代表" in browser.find_element(By.CSS_SELECTOR, '.person[aria-selected="true"]').text


def test_photo_and_document_from_the_page_reach_the_bot(demo: Demo, browser, tmp_path) -> None:
    """The page sends files as JSON (the control API takes nothing else): a photo and a
    document chosen on the page arrive, the photo shows in the chat, and the bot answers."""
    from selenium.webdriver.common.by import By

    from sandbox.images import make_jpeg

    photo = tmp_path / "门口.jpg"
    photo.write_bytes(make_jpeg(400, 300))
    document = tmp_path / "整改报告.pdf"
    document.write_bytes(b"%PDF-1.4 report")
    browser.get(demo.page_url + "#as=1001")
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1001")

    for field, path in (("photo-input", photo), ("doc-input", document)):
        chooser = browser.find_element(By.ID, field)
        browser.execute_script("arguments[0].hidden = false", chooser)
        chooser.send_keys(str(path))
        _bot_bubble_with(browser, "文件已保存")
        browser.execute_script("arguments[0].hidden = true", chooser)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".row.out img"))
    assert "整改报告.pdf" in browser.find_elements(By.CSS_SELECTOR, ".row.out .bubble")[-1].text


def test_leader_finds_the_escalation_and_a_legible_dashboard(demo: Demo, browser) -> None:
    """陈主任 opens the demo: his chat holds the escalation of his unit's red item and the
    weekly digest, which opens with the dashboard picture — 1080 px wide, taller than wide,
    and shown whole (its box has the picture's own proportions: nothing cut off)."""
    from selenium.webdriver.common.by import By

    browser.get(demo.page_url + "#as=3001")
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "3001")
    escalation = _bot_bubble_with(browser, "红色督办")
    assert "高新区管委会" in escalation.text
    _bot_bubble_with(browser, "督办周报")
    picture = _bot_bubble_with(browser, "本周一览").find_element(By.CSS_SELECTOR, ".photo img")
    wait.until(lambda d: d.execute_script("return arguments[0].complete", picture))
    size = browser.execute_script(
        "const i = arguments[0]; const fit = getComputedStyle(i).objectFit;"
        "return [i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight, fit];",
        picture,
    )
    natural_w, natural_h, shown_w, shown_h, fit = size
    assert natural_w >= 1000 and natural_h > natural_w
    assert fit == "contain" and abs(shown_h / shown_w - natural_h / natural_w) < 0.02
