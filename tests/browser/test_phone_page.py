"""The phone page as the office sees it (issue 14): colour emoji, one pin on the location
button, a newcomer's role once registered, and unread counts that survive a reload."""

from __future__ import annotations

import io
import json
import urllib.request

import pytest

from bot.cli.demo import Demo
from tests.browser import test_demo_page as demo_page
from tests.browser.test_demo_page import _be, _bot_bubble_with, _send, _tap, _wait

pytestmark = pytest.mark.browser

# The demo on a free port and headless Chromium, as the demo page's own tests have them.
demo = demo_page.demo
browser = demo_page.browser


def _coloured_pixels(png: bytes) -> int:
    """Pixels whose channels differ a lot: colour, not black, white or grey anti-aliasing."""
    from PIL import Image

    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = (data[i : i + 3] for i in range(0, len(data), 3))
    return sum(1 for pixel in pixels if max(pixel) - min(pixel) > 40)


def test_new_item_emoji_renders_in_colour(demo: Demo, browser) -> None:
    """🆕 in a bot message is drawn by the colour emoji font (a blue tile), not the CJK
    font's black-and-white outline: a bubble's font order puts the emoji font first."""
    from selenium.webdriver.common.by import By

    browser.get(demo.page_url + "#as=1001")
    _wait(browser).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1001"
    )
    probe = browser.execute_script(
        """
        const row = document.createElement("div");
        row.className = "row in";
        const bubble = document.createElement("div");
        bubble.className = "bubble";
        bubble.id = "emoji-probe";
        bubble.style.fontSize = "40px";
        bubble.textContent = "🆕 新交办";
        row.append(bubble);
        document.getElementById("messages").append(row);
        return getComputedStyle(bubble).fontFamily;
        """
    )
    assert probe.index("Noto Color Emoji") < probe.index("Noto Sans CJK SC")
    bubble = browser.find_element(By.ID, "emoji-probe")
    assert _coloured_pixels(bubble.screenshot_as_png) > 200


def test_location_button_shows_one_pin(demo: Demo, browser) -> None:
    """Starting a visit offers 📍 发送位置 on the keyboard, with the bot's pin only."""
    from selenium.webdriver.common.by import By

    browser.get(demo.page_url + "#as=1001")
    _wait(browser).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1001"
    )
    _send(browser, "/visit 卓远半导体")
    _bot_bubble_with(browser, "卓远半导体")
    if not browser.find_elements(By.CSS_SELECTOR, ".reply-btn"):
        buttons = browser.find_elements(By.CSS_SELECTOR, ".kb-btn")
        next(b for b in reversed(buttons) if "卓远半导体" in b.text).click()
    button = _wait(browser).until(
        lambda d: next(
            (b for b in d.find_elements(By.CSS_SELECTOR, ".reply-btn") if "发送位置" in b.text),
            False,
        ),
        "no location button on the keyboard",
    )
    assert button.text == "📍 发送位置"
    assert button.find_elements(By.TAG_NAME, "svg") == []


def test_a_registered_newcomer_is_labelled_with_the_role(demo: Demo, browser) -> None:
    """Invited as an inspector, 钱代表 registers on the page: the tab and the line above the
    chat say 督查人员 instead of 新用户, and the control API says the same."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(demo.page_url + "#as=9001")
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "9001")
    _send(browser, "/invite")
    _tap(browser, "督查人员")
    _bot_bubble_with(browser, "姓名")
    _send(browser, "钱代表")
    _bot_bubble_with(browser, "t.me/").find_element(By.CSS_SELECTOR, "a[href*='start=']").click()
    name = wait.until(lambda d: d.find_element(By.ID, "modal-input"))
    wait.until(lambda d: name.is_displayed())
    name.clear()
    name.send_keys("钱代表", Keys.ENTER)
    _bot_bubble_with(browser, "欢迎")

    def selected_role(d):
        tab = d.find_element(By.CSS_SELECTOR, '.person[aria-selected="true"]')
        return tab.find_element(By.CSS_SELECTOR, ".p-role").text

    wait.until(lambda d: selected_role(d) == "督查人员", "the tab still says 新用户")
    assert "督查人员" in browser.find_element(By.ID, "who").text
    assert "新用户" not in browser.find_element(By.ID, "who").text
    user_id = int(
        browser.find_element(By.CSS_SELECTOR, '.person[aria-selected="true"]').get_attribute(
            "data-user"
        )
    )
    with urllib.request.urlopen(f"{demo.sandbox.url}/sandbox/roster") as response:
        people = json.load(response)["people"]
    newcomer = next(p for p in people if p["user_id"] == user_id)
    assert (newcomer["name"], newcomer["role"], newcomer["role_zh"]) == (
        "钱代表",
        "inspector",
        "督查人员",
    )


def _badge(driver, user_id: int) -> str:
    from selenium.webdriver.common.by import By

    tab = driver.find_element(By.CSS_SELECTOR, f'.person[data-user="{user_id}"]')
    badges = tab.find_elements(By.CSS_SELECTOR, ".badge")
    return badges[0].text if badges else ""


def test_unread_counts_survive_a_reload(demo: Demo, browser) -> None:
    """The office reads 赵联络's chat, then reloads the page: 赵联络 shows no unread count
    (only what is new counts), while a chat never opened still shows its count."""
    browser.get(demo.page_url + "#as=9001")
    wait = _wait(browser)
    wait.until(lambda d: _badge(d, 2001) and _badge(d, 2002), "no unread messages to start with")
    unread_elsewhere = _badge(browser, 2002)
    _be(browser, 2001)
    _bot_bubble_with(browser, "")
    _be(browser, 9001)
    wait.until(lambda d: _badge(d, 2001) == "", "the chat just read still counts as unread")

    browser.refresh()
    wait.until(lambda d: _badge(d, 2002) == unread_elsewhere)
    assert _badge(browser, 2001) == ""
