"""A DingTalk person on the phone page (issue 16): 周联络 of the demo is on DingTalk, and
the page draws their chat as DingTalk does — its blue, the robot's cards with buttons that
tap, pictures sent — through DingTalk's stand-in, not the Telegram sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.demo import Demo
from sandbox.images import make_jpeg
from tests.browser import test_demo_page as demo_page
from tests.browser.test_demo_page import _bot_bubble_with, _send, _wait

pytestmark = pytest.mark.browser

demo = demo_page.demo
browser = demo_page.browser

ZHOU = 2003  # the demo's DingTalk contact (staff id zhou2003)
DINGTALK_BLUE = "rgb(50, 150, 250)"


def test_a_dingtalk_person_chats_taps_a_card_and_sends_a_picture(
    demo: Demo, browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(demo.page_url + f"#as={ZHOU}")
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "2003")
    body = browser.find_element(By.TAG_NAME, "body")
    assert "dingtalk" in body.get_attribute("class").split()
    head = browser.find_element(By.CSS_SELECTOR, ".chat-head")
    assert head.value_of_css_property("background-color") in (
        DINGTALK_BLUE,
        "rgba(50, 150, 250, 1)",
    )
    tab = browser.find_element(By.CSS_SELECTOR, f'.person[data-user="{ZHOU}"]')
    assert "on-dingtalk" in tab.get_attribute("class").split()
    assert "钉钉" in browser.find_element(By.ID, "who").text
    assert not browser.find_element(By.ID, "attach-location").is_displayed()

    _send(browser, "/help")
    _bot_bubble_with(browser, "可用命令")

    _send(browser, "/lang")
    english = wait.until(
        lambda d: next(
            (
                b
                for b in d.find_elements(By.CSS_SELECTOR, ".dt-card .dt-btn")
                if b.text == "English"
            ),
            False,
        ),
        "no card with an English button",
    )
    english.click()
    _bot_bubble_with(browser, "Language set to English")

    picture = tmp_path / "evidence.jpg"
    picture.write_bytes(make_jpeg(320, 240))
    browser.find_element(By.ID, "photo-input").send_keys(str(picture))
    shown = wait.until(
        lambda d: next(
            (
                img
                for img in d.find_elements(By.CSS_SELECTOR, ".row.out .dt-picture img")
                if d.execute_script("return arguments[0].naturalWidth", img) == 320
            ),
            False,
        ),
        "the picture sent is not shown in the chat",
    )
    assert shown.is_displayed()


def test_telegram_people_keep_telegram_colours_beside_a_dingtalk_person(
    demo: Demo, browser
) -> None:
    """Switching from 周联络 back to 王督查 takes the DingTalk look away again."""
    from selenium.webdriver.common.by import By

    browser.get(demo.page_url + f"#as={ZHOU}")
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "2003")
    demo_page._be(browser, 1001)
    body = browser.find_element(By.TAG_NAME, "body")
    assert "dingtalk" not in (body.get_attribute("class") or "").split()
    head = browser.find_element(By.CSS_SELECTOR, ".chat-head")
    assert head.value_of_css_property("background-color") not in (
        DINGTALK_BLUE,
        "rgba(50, 150, 250, 1)",
    )
