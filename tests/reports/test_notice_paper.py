"""The 通报 as an official paper: rendered to text, as a reader of the PDF sees it.

The draft carries no number and says 样稿; the issued paper carries the 文号 from the policy,
the title naming the programme and period, the four sections, the 落款 with the date
written 2026年12月6日, and — N — at the foot of each page; the chart sits on the page of
the ranking it illustrates; English readers get the same paper in English.
"""

from __future__ import annotations

import re
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.builders.build import BuildContext
from bot.builders.data import Filters
from bot.builders.notice import (
    IssueNotice,
    build_issue,
    build_preview,
    notice_filters,
    notice_title,
)
from bot.chat import Address
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.people import telegram_address
from bot.domain.policy import Policy
from bot.runtime.work import Work, WorkEnv
from bot.services.notices import NumberTaken
from storage import ledger, notices, people, report_jobs
from storage.db import open_database
from storage.policy import set_policy_value
from storage.report_jobs import ReportJob
from tests.pdf_text import pdf_text

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=TZ)
TODAY = NOW.date()
ORIGIN = Origin.cli(NOW - timedelta(days=200))
REQUIREMENTS = "一、逐项对照清单销号。\n二、红色事项分管领导亲自过问。"


@pytest.fixture
def db():
    database = open_database(":memory:")
    ledger.ensure_period(database, "2026", 2026, ORIGIN)
    for key, value in (
        ("office_name", "如皋市人大常委会办公室"),
        ("programme", "乡村振兴"),
        ("notice_prefix", "皋人大办"),
        ("notice_requirements", REQUIREMENTS),
    ):
        set_policy_value(database, key, value, ORIGIN)
    _items(database)
    return database


def _item(db, problem: str, unit: str, deadline: date, *, closed: bool = False) -> int:
    item = ledger.create_item(db, ItemFields(problem, unit=unit, deadline=deadline), "2026", ORIGIN)
    if closed:
        at = (NOW - timedelta(days=5)).astimezone(UTC).isoformat()
        db.execute("UPDATE items SET status = 'closed', closed_at = ? WHERE id = ?", [at, item.id])
    return item.id


def _items(db) -> None:
    """科技局 closes one of two; 工信局 has a red item (40 days overdue) and a late one;
    财政局 has an item in time and reports nothing this quarter."""
    _item(db, "孵化器入驻率不足", "科技局", TODAY - timedelta(days=30), closed=True)
    _item(db, "研发投入偏低", "科技局", TODAY + timedelta(days=30))
    _item(db, "技改项目推进慢", "工信局", TODAY - timedelta(days=40))
    _item(db, "人才公寓未交付", "工信局", TODAY - timedelta(days=5))
    _item(db, "科技贷款贴息未兑现", "财政局", TODAY + timedelta(days=60))


def _admin(db, language: str = "zh") -> int:
    return people.ensure_admin(db, 500, "办公室", language, ORIGIN).id


def _context(tmp_path: Path) -> BuildContext:
    return BuildContext(db_path=tmp_path / "unused.sqlite", media_dir=tmp_path, tz=TZ, now=NOW)


def _draft(db, person_id: int, language: str = "zh") -> ReportJob:
    params = {"period": "quarter", "area": None, "town": None}
    job_id = report_jobs.create(
        db,
        kind="ranking",
        person_id=person_id,
        chat=Address("telegram", "1"),
        language=language,
        params=params,
        at=NOW,
        update_id=None,
    )
    report_jobs.finish(db, job_id, "done", NOW)
    job = report_jobs.get(db, job_id)
    assert job is not None
    return job


def _issue(db, tmp_path: Path, draft: ReportJob, figures: str) -> IssueNotice:
    job = ReportJob(
        draft.id + 1,
        "notice",
        draft.person_id,
        draft.chat,
        draft.language,
        {"draft": draft.id, "figures": figures},
        "pending",
        0,
        NOW,
    )
    result = build_issue(_context(tmp_path), job, db)
    assert isinstance(result.commit, IssueNotice), result.text
    return result.commit


def flat(text: str) -> str:
    """The text without line breaks and spaces: a title wrapped over two lines reads whole."""
    return re.sub(r"\s+", "", text)


def pages(pdf: bytes) -> list[tuple[str, bool]]:
    """Each page's text and whether an image is drawn on it (fpdf2 writes one content
    stream per page, in page order; the fonts' ToUnicode maps are read with each)."""
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    maps = [stream for stream in streams if b"beginbfchar" in stream]
    found = []
    for content in (stream for stream in streams if b" Tj" in stream):
        alone = b"".join(
            b"stream\n" + zlib.compress(s) + b"\nendstream\n" for s in [*maps, content]
        )
        found.append((pdf_text(alone), b" Do" in content))
    return found


def _preview_pdf(tmp_path: Path, result) -> bytes:
    paths = [Path(send.path) for send in result.sends if send.path.endswith(".pdf")]
    assert len(paths) == 1
    return paths[0].read_bytes()


def test_the_draft_has_no_number_and_says_so(db, tmp_path: Path) -> None:
    admin = _admin(db)
    draft = _draft(db, admin)
    result = build_preview(_context(tmp_path), draft, db)
    text = flat(pdf_text(_preview_pdf(tmp_path, result)))
    assert "皋人大办〔2026〕—号" in text
    assert "样稿" in text
    assert "关于2026年第四季度乡村振兴督办事项办理情况的通报" in text
    assert "科技创新" not in text  # the programme is the office's, not a hard-coded one
    labels = [button.label for row in result.keyboard or [] for button in row]
    assert labels == ["📤 签发", "✖ 取消"]


def test_the_issued_paper_reads_as_an_official_notice(db, tmp_path: Path) -> None:
    admin = _admin(db)
    draft = _draft(db, admin)
    issuing = _issue(db, tmp_path, draft, _fingerprint(db, tmp_path, draft))
    paper = Path(issuing.papers["zh"].path).read_bytes()
    text = pdf_text(paper)
    whole = flat(text)
    assert "如皋市人大常委会办公室" in whole
    assert "皋人大办〔2026〕1号" in whole
    assert "样稿" not in whole
    assert "关于2026年第四季度乡村振兴督办事项办理情况的通报" in whole
    assert "科技局、财政局、工信局：" in whole  # 主送, in ranking order
    for heading in ("一、总体情况", "二、排名", "三、存在问题", "四、下步要求"):
        assert heading in whole, heading
    assert "督办事项共5项，已销号1项，销号率20.0%；逾期未办结2项，红色督办1项。" in whole
    assert "技改项目推进慢（逾期40天）" in whole  # red
    assert "人才公寓未交付（逾期5天）" in whole  # overdue, not yet red
    assert "本期无进展的单位2个：财政局、工信局" in whole  # 科技局 closed one this quarter
    assert "一、逐项对照清单销号。" in whole and "二、红色事项分管领导亲自过问。" in whole
    assert whole.endswith("2026年12月6日") or "如皋市人大常委会办公室2026年12月6日" in whole
    shown = pages(paper)
    assert len(shown) >= 2
    assert [text.splitlines()[-1] for text, _ in shown] == [
        f"— {n} —" for n in range(1, len(shown) + 1)
    ]
    # The chart follows the ranking, with text on its page: never a page of its own, and
    # the first page is filled with the notice rather than left blank above it.
    (chart_page,) = [n for n, (_, drawn) in enumerate(shown) if drawn]
    ranked_on = next(n for n, (text, _) in enumerate(shown) if "二、排名" in flat(text))
    assert chart_page in (ranked_on, ranked_on + 1)
    assert "三、存在问题" in flat(shown[chart_page][0]) or chart_page == ranked_on
    assert "二、排名" in flat(shown[0][0])


def test_english_readers_get_the_same_paper_in_english(db, tmp_path: Path) -> None:
    admin = _admin(db)
    draft = _draft(db, admin)
    issuing = _issue(db, tmp_path, draft, _fingerprint(db, tmp_path, draft))
    text = pdf_text(Path(issuing.papers["en"].path).read_bytes())
    for expected in ("1. Overall", "2. Ranking", "3. Problems", "4. Next steps"):
        assert expected in text, expected
    assert "6 December 2026" in text
    assert "— 1 —" in text
    assert "[2026] No. 1" in text
    assert issuing.papers["en"].sha256 != issuing.papers["zh"].sha256


def test_figures_that_moved_since_the_draft_issue_nothing(db, tmp_path: Path) -> None:
    admin = _admin(db)
    draft = _draft(db, admin)
    figures = _fingerprint(db, tmp_path, draft)
    _item(db, "新交办事项", "科技局", TODAY + timedelta(days=10))
    params = {"draft": draft.id, "figures": figures}
    job = ReportJob(99, "notice", admin, telegram_address(1), "zh", params, "pending", 0, NOW)
    result = build_issue(_context(tmp_path), job, db)
    assert result.commit is None
    assert "数据已有变化" in result.text and "未占用文号" in result.text


def _fingerprint(db, tmp_path: Path, draft: ReportJob) -> str:
    from bot.builders.notice import gather, notice_filters

    return gather(db, notice_filters(draft.params), TODAY, TZ).fingerprint()


def _delivering_work(db, person_id: int) -> Work:
    """The Work the runner delivers a job in (bot/builders/runner.py ``deliver``)."""
    env = WorkEnv(tz=TZ, bot_username="duban_bot")
    person = people.by_id(db, person_id)
    return Work(db, env, NOW, "zh", None, person, None, None, source="job:2")


def test_the_number_is_taken_when_the_notice_is_recorded(db, tmp_path: Path) -> None:
    """The paper says 1号; another notice took 1 while it was written: nothing is recorded
    (the runner builds the job again), and the next build takes 2 and records it, audited."""
    admin = _admin(db)
    first, second = _draft(db, admin), _draft(db, admin)
    issuing = _issue(db, tmp_path, second, _fingerprint(db, tmp_path, second))
    assert issuing.number == 1
    taken = _issue(db, tmp_path, first, _fingerprint(db, tmp_path, first))
    taken(_delivering_work(db, admin))
    with pytest.raises(NumberTaken), db.atomic():
        issuing(_delivering_work(db, admin))
    assert notices.by_draft(db, second.id) is None

    again = _issue(db, tmp_path, second, _fingerprint(db, tmp_path, second))
    text, _ = again(_delivering_work(db, admin))
    assert (
        "皋人大办〔2026〕2号" in text
        and "以下单位没有联络员，未能送达：科技局、财政局、工信局" in text
    )
    recorded = notices.by_draft(db, second.id)
    assert recorded is not None and (recorded.year, recorded.number) == (2026, 2)
    assert Path(recorded.path or "").read_bytes().startswith(b"%PDF")
    events = db.execute(
        "SELECT entity_id FROM audit_events WHERE action = 'notice_issued' ORDER BY id"
    ).fetchall()
    assert [row[0] for row in events] == [notices.by_draft(db, first.id).id, recorded.id]

    # Issued already: the draft's next delivery says so and takes nothing.
    text, _ = again(_delivering_work(db, admin))
    assert "已签发，文号 皋人大办〔2026〕2号" in text
    assert notices.next_number(db, 2026) == 3


def test_every_title_names_its_period_or_the_day_its_figures_stand_at() -> None:
    """A quarter's notice names the quarter; one over all time says 截至 the day."""
    day = date(2026, 12, 6)
    policy = Policy().with_setting("programme", "乡村振兴")
    quarter = notice_title(policy, "zh", notice_filters({"period": "quarter"}), day)
    assert quarter == "关于2026年第四季度乡村振兴督办事项办理情况的通报"
    whole = notice_title(policy, "zh", notice_filters({}), day)
    assert whole == "关于乡村振兴督办事项办理情况的通报（截至2026年12月6日）"
    english = notice_title(Policy(), "en", Filters(period="all"), day)
    assert english.endswith(", as of 6 December 2026")
