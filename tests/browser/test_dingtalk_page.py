"""A DingTalk person on the phone page (issue 16): 周联络 of the demo is on DingTalk, and
the page draws their chat as DingTalk does — its blue, the robot's cards with buttons that
tap, pictures sent — through DingTalk's stand-in, not the Telegram sandbox."""

from __future__ import annotations

import io
import json
import urllib.request
import wave
from pathlib import Path

import pytest

from bot.cli.demo import Demo
from sandbox.images import make_jpeg
from storage.db import connect
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


def _wav(seconds: int) -> bytes:
    """A real voice recording's container (silence), whose length the browser can read."""
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\x00\x00" * 8000 * seconds)
    return out.getvalue()


def _received_from_zhou(demo: Demo) -> dict[str, dict]:
    """The file, voice and video messages the bot took in from 周联络, by DingTalk msgtype."""
    db = connect(demo.directory / "duban.sqlite")
    try:
        rows = db.execute("SELECT raw FROM inbox WHERE platform = 'dingtalk'").fetchall()
    finally:
        db.close()
    frames = [json.loads(raw)["data"] for (raw,) in rows]
    return {
        f["msgtype"]: f["content"]
        for f in frames
        if f.get("senderStaffId") == "zhou2003" and f["msgtype"] in ("file", "audio", "video")
    }


def test_a_dingtalk_person_sends_a_file_a_voice_note_and_a_video(
    demo: Demo, browser, tmp_path: Path
) -> None:
    """The page's 文件 choice on DingTalk, as on Telegram: a document goes as DingTalk's
    file message, a recording as a voice message with its length, a video as a video
    message; each shows in 周联络's chat (voice and video play in place) and the bot
    answers each."""
    from selenium.webdriver.common.by import By

    files = {
        "file": tmp_path / "整改报告.pdf",
        "audio": tmp_path / "情况说明.wav",
        "video": tmp_path / "现场.mp4",
    }
    files["file"].write_bytes(b"%PDF-1.4 report")
    files["audio"].write_bytes(_wav(2))
    files["video"].write_bytes(b"\x00\x00\x00\x18ftypmp42 video")
    browser.get(demo.page_url + f"#as={ZHOU}")
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "2003")
    shown = {"file": ".row.out .dt-file a", "audio": ".row.out .dt-audio audio",
             "video": ".row.out .dt-video video"}  # fmt: skip
    for kind, path in files.items():
        browser.find_element(By.ID, "doc-input").send_keys(str(path))
        wait.until(lambda d, k=kind: d.find_elements(By.CSS_SELECTOR, shown[k]), f"no {kind}")
    wait.until(
        lambda d: (
            len(
                [b for b in d.find_elements(By.CSS_SELECTOR, ".row.in .bubble") if "材料" in b.text]
            )
            == 3
        ),
        "the bot did not answer each file",
    )
    assert "整改报告.pdf" in browser.find_element(By.CSS_SELECTOR, ".row.out .dt-file").text
    voice = browser.find_element(By.CSS_SELECTOR, ".row.out .dt-audio")
    assert "情况说明.wav" in voice.text
    player = voice.find_element(By.TAG_NAME, "audio")
    wait.until(lambda d: d.execute_script("return arguments[0].duration", player) == 2)
    received = _received_from_zhou(demo)
    assert received["file"]["fileName"] == "整改报告.pdf"
    assert received["audio"]["duration"] == 2000  # the recording's length, in milliseconds
    assert received["video"]["videoType"] == "mp4"


def _zhou_chat(demo: Demo, text: str | None = None) -> dict:
    """周联络's chat in DingTalk's stand-in, after typing ``text`` on their phone first, as
    someone who is not looking at the page would."""
    url = f"{demo.sandbox.url}/sandbox/dingtalk/chats/zhou2003"
    if text is not None:
        sent = urllib.request.Request(
            url + "/text",
            data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(sent) as response:
            assert response.status == 200
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def _unread(chat: dict) -> int:
    return sum(1 for m in chat["messages"] if m["from"] == "bot") - chat["read"]


def _counts_what_came_after(demo: Demo):
    """Whether 周联络's tab shows the robot's messages after the read mark (none: no
    badge); the robot's morning reminder card may come at any moment, so it is asked anew."""

    def shown(driver) -> bool:
        unread = _unread(_zhou_chat(demo))
        return _badge(driver, ZHOU) == (str(unread) if unread else "")

    return shown


def test_a_dingtalk_person_shows_unread_messages_until_read(demo: Demo, browser) -> None:
    """The robot writes to 周联络 while the page shows someone else: 周联络's tab shows a
    count; reading the chat clears it, and after a reload only what came since counts."""
    from selenium.webdriver.common.by import By

    browser.get(demo.page_url + "#as=1001")
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1001")
    _zhou_chat(demo, "/help")
    wait.until(lambda d: _badge(d, ZHOU), "周联络's tab shows no unread count")

    demo_page._be(browser, ZHOU)
    _bot_bubble_with(browser, "可用命令")
    demo_page._be(browser, 1001)
    wait.until(lambda d: _zhou_chat(demo)["read"] > 0, "the page kept no read mark")
    wait.until(_counts_what_came_after(demo), "what was read still counts as unread")

    browser.refresh()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1001")
    _zhou_chat(demo, "/lang")
    wait.until(lambda d: _unread(_zhou_chat(demo)) > 0, "the robot did not answer /lang")
    wait.until(_counts_what_came_after(demo), "the count is not what came after the read mark")


def _badge(driver, user_id: int) -> str:
    from selenium.webdriver.common.by import By

    tab = driver.find_element(By.CSS_SELECTOR, f'.person[data-user="{user_id}"]')
    badges = tab.find_elements(By.CSS_SELECTOR, ".badge")
    return badges[0].text if badges else ""
