"""``duban demo``: the bot on the local sandbox, a demo database, and the phone page.

What a newcomer without a token sees first. ``start_demo`` starts everything in-process
(the sandbox with Telegram's rate limits, a freshly seeded database, the bot) and returns
handles; ``run_demo`` calls it and serves until Ctrl-C; the browser test calls it on a
free port.

The demo database lives in ``data/demo/`` and is seeded afresh on every start, so each run
begins from the same story: the source article's towns, companies and units, a supervision
table of 31 items across the 1+8 areas with deadlines around today (imported through the
real import path from a generated ``督查推进任务表.xlsx``), and one person in every role,
already registered. Nothing from an earlier demo run survives; the real bot's database
(``DATABASE_PATH``) is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import shutil
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import sqlite_utils

from bot import registry
from bot.chat import Address, CommandMenu
from bot.config import Settings, load_settings
from bot.domain.audit import AuditAction, Origin
from bot.domain.lifecycle import Actor, Event, Role
from bot.domain.people import DINGTALK, TELEGRAM
from bot.domain.workdays import WorkCalendar
from bot.i18n import plain, t
from bot.i18n.catalogue import CATALOGUE
from bot.logs import configure_logging
from bot.platforms import RENDERERS
from bot.runtime.startup import BotRuntime
from bot.runtime.work import WorkEnv
from bot.services import digest, escalation
from bot.services.assignments import office_work
from bot.sheets.importing import import_file
from sandbox.dingtalk import control_api as dingtalk_page
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.server import DEFAULT_TOKEN, Sandbox
from sandbox.state import SandboxState
from storage import leader_units, ledger, outbox, reminders
from storage import people as people_store
from storage.audit import record
from storage.db import connect, open_database

log = logging.getLogger(__name__)

DEMO_DIR = Path("data/demo")
TIMEZONE = ZoneInfo("Asia/Shanghai")
# The sandbox's default token: the page talks to the bot as ``/sandbox/chats/default/…``.
DEMO_TOKEN = DEFAULT_TOKEN
SHEET_NAME = "督查推进任务表.xlsx"


class DemoClock:
    """Real time, moved forward if need be so that the demo runs in office hours.

    Reminders go out on working days between the daily push (09:00) and quiet hours
    (21:00); a demo started in the evening or at a weekend would show none. This clock
    ticks like the wall clock, just ``offset`` ahead; the sandbox shares it, so message
    times agree with what the bot writes.
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def timestamp(self) -> float:
        return self.now().timestamp()


OFFICE_OPENS = time(9, 5)  # just after the daily push, so the first sweep sends it
OFFICE_CLOSES = time(20, 0)


def office_hours_offset(now: datetime, calendar: WorkCalendar | None = None) -> timedelta:
    """How far to move ``now`` to be in a working day's office hours (0 if it is)."""
    calendar = calendar or WorkCalendar()
    local = now.astimezone(TIMEZONE)
    if calendar.is_workday(local.date()) and OFFICE_OPENS <= local.time() < OFFICE_CLOSES:
        return timedelta(0)
    day = local.date() if local.time() < OFFICE_OPENS else local.date() + timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return datetime.combine(day, OFFICE_OPENS, TIMEZONE) - now


@dataclass(frozen=True)
class DemoPerson:
    """Someone the page lets you be: a sandbox user already registered in the bot."""

    user_id: int
    name: str
    role: Role
    unit: str | None = None
    hint_zh: str = ""
    hint_en: str = ""
    dingtalk: str | None = None  # their DingTalk staff id: this person is on DingTalk

    @property
    def address(self) -> Address:
        """Where the bot writes to them: their DingTalk staff id, else their Telegram id."""
        if self.dingtalk is not None:
            return Address(DINGTALK, self.dingtalk)
        return Address(TELEGRAM, str(self.user_id))


ADMIN_ID = 9001
PEOPLE = (
    DemoPerson(1001, "王督查", Role.INSPECTOR, None,
               "/visit 开始四不两直走访", "/visit starts an unannounced visit"),
    DemoPerson(1002, "李代表", Role.INSPECTOR, None,
               "人大代表，和王督查一起走访", "a deputy who visits with 王督查"),
    DemoPerson(2001, "赵联络", Role.CONTACT, "科技局",
               "收到期限提醒，报告进展", "gets reminders, reports progress"),
    DemoPerson(2002, "孙联络", Role.CONTACT, "工信局",
               "工信局的事项", "工信局's items"),
    DemoPerson(ADMIN_ID, "办公室", Role.ADMIN, None,
               "人大常委会办公室：/invite /users", "the committee office: /invite, /users"),
    DemoPerson(3001, "陈主任", Role.LEADER, None,
               "接收提级督办和汇总", "receives escalations and digests"),
    DemoPerson(2003, "周联络", Role.CONTACT, "财政局",
               "在钉钉上：收到提醒，点卡片签收", "on DingTalk: reminders, 签收 on a card",
               dingtalk="zhou2003"),
)  # fmt: skip

ROLE_LABELS = {
    Role.INSPECTOR: ("督查人员", "Inspector"),
    Role.CONTACT: ("联络员", "Contact"),
    Role.ADMIN: ("管理员", "Administrator"),
    Role.LEADER: ("分管领导", "Leader"),
}

# Which town each company is in. The article names the companies but not their towns;
# the pairing is made up for the demo.
COMPANY_TOWNS = {
    "卓远半导体": "高新区",
    "力威机械": "磨头镇",
    "万达轴承": "如城街道",
    "斯密特森": "高新区",
    "汤臣汽配": "下原镇",
    "力沛阀门": "吴窑镇",
    "海泰科特": "石庄镇",
    "霖鼎光学": "高新区",
}

HEADER = ["序号", "领域", "问题", "措施", "承办单位", "配合单位", "办理时限", "跟踪督办目标",
          "镇区", "企业", "督办等级", "备注", "纬度", "经度"]  # fmt: skip

# (领域, 问题, 措施, 承办单位, 配合单位, 办理时限, 目标, 镇区, 企业, 等级)
# 办理时限 is a day offset from today (a real Excel date in the sheet) or the office's words.
ROWS: tuple[tuple[str, str, str, str, str, int | str, str, str, str, str], ...] = (
    ("总体方案", "国家创新型县（市）建设三年行动方案尚未分解到各板块",
     "细化分解三年行动方案（2023-2025），明确阶段目标、落实载体、进度时限", "发改委", "科技局",
     -12, "各板块分解方案全部报送", "", "", "黄"),
    ("总体方案", "科技创新委员会议定事项跟踪不够",
     "每季度召开科技创新委员会会议，通报议定事项办理进展", "科技局", "发改委",
     "每季度", "", "", "", ""),
    ("高企培育", "全市大企业中高企覆盖率偏低",
     "深入实施高企倍增计划，微成长、小升高、高变强梯进式培育", "科技局", "工信局",
     "年底前", "净增142家", "", "", ""),
    ("高企培育", "磨头镇高企推进不力，拟申报企业摸排不足",
     "推行一镇区一企一表一清单，逐企入企服务", "磨头镇人民政府", "科技局",
     3, "摸排拟申报企业30家", "磨头镇", "", ""),
    ("高企培育", "吴窑镇高企申报质量不高",
     "落实中介机构-市镇审核-专家把关三级梯度审核机制", "吴窑镇人民政府", "科技局",
     -3, "申报通过率达80%", "吴窑镇", "", ""),
    ("高企培育", "力沛阀门研发费用归集不规范，影响高企申报",
     "指导企业规范设置研发费用辅助账", "科技局", "财政局",
     6, "完成研发费用专项审计", "吴窑镇", "力沛阀门", ""),
    ("高企培育", "拟申报企业网上申报进度滞后",
     "逐企督促完成网上申报", "科技局", "",
     1, "完成网上申报105家", "", "", ""),
    ("产学研合作", "企业与高校院所联系不够紧密，协同创新步伐不快",
     "健全与清华大学、上海交大、复旦大学、东华大学共建的成果转化合作机制", "科技局", "人社局",
     "长期坚持", "", "", "", ""),
    ("产学研合作", "力沛阀门与中国农机院共建联合实验室停留在合作意向",
     "推动双方签订共建协议，明确投入和分工", "吴窑镇人民政府", "科技局",
     -35, "签订共建协议", "吴窑镇", "力沛阀门", "红"),
    ("产学研合作", "力威机械省成果转化项目推进节点滞后",
     "跟踪项目节点，协调配套资金", "科技局", "财政局",
     "每季度", "项目按期验收", "磨头镇", "力威机械", ""),
    ("新型研发机构", "斯密特森大口径高端光学仪器新型研发机构尚未正式签约",
     "督促与长春光机所、亚洲太平洋公司完成签约", "高新区管委会", "科技局",
     -5, "正式签约", "高新区", "斯密特森", ""),
    ("新型研发机构", "汤臣汽配大功率AT变速器新型研发机构运行机制待完善",
     "建立联合攻关和成果共享机制", "下原镇人民政府", "科技局",
     10, "", "下原镇", "汤臣汽配", ""),
    ("新型研发机构", "海泰科特重型燃机先进技术中心仅形成初步方案",
     "推动与中国重燃的合作方案落地，明确建设主体", "石庄镇人民政府", "发改委",
     2, "技术中心挂牌", "石庄镇", "海泰科特", ""),
    ("双创载体", "相关镇区孵化器建设速度不快",
     "提级监督，组织相关部门专题会商督查", "高新区管委会", "科技局、财政局",
     -20, "新增省级众创空间5家", "高新区", "", "黄"),
    ("双创载体", "在沪飞地孵化器入驻项目转化不足",
     "深耕全国研发、一线孵化、如皋转化双基地模式", "科技局", "发改委",
     "年底前", "入驻科创项目40个", "", "", ""),
    ("双创载体", "龙游河科创走廊沿线科创小镇建设滞后",
     "开展中间段试点区域深度规划，打造标准示范段", "发改委",
     "磨头镇人民政府、吴窑镇人民政府、下原镇人民政府、石庄镇人民政府",
     20, "", "", "", ""),
    ("创新服务平台", "国家级、省级产业创新中心仍未破题",
     "争创省级产业创新中心", "发改委", "科技局",
     "长期坚持", "", "", "", ""),
    ("创新服务平台", "智能路网行业分中心建设进度不快",
     "推进国家工业互联网数据中心体系智能路网行业分中心建设", "工信局", "",
     5, "分中心建成运行", "", "", ""),
    ("创新服务平台", "检验检测、概念验证等平台载体招引不足",
     "强化科技服务、检验检测、概念验证平台招引和建设", "高新区管委会", "市场监管局",
     -1, "新引进平台3家", "高新区", "", ""),
    ("人才引进", "高端外国专家引进项目申报偏少",
     "组织企业申报国家高端外国专家引进计划", "人社局", "科技局",
     14, "获批项目2个", "高新区", "卓远半导体", ""),
    ("人才引进", "人才22条政策兑现周期长",
     "每季度集中兑现人才奖补", "人社局", "财政局",
     "每季度", "", "", "", ""),
    ("人才引进", "省优秀外国专家工作室培育不足",
     "遴选重点企业培育外国专家工作室", "科技局", "人社局",
     -30, "新增1家", "", "", ""),
    ("科技金融", "科技激励政策实施效果缺少评估",
     "对原科技三十条实施效果分析评价，出台科技新九条", "科技局", "财政局",
     -8, "完成评估报告", "", "", "黄"),
    ("科技金融", "科技创新23条奖励资金拨付进度慢",
     "按季度拨付奖补资金", "财政局", "科技局",
     "每季度", "惠及企业686家", "", "", ""),
    ("科技金融", "科技型中小企业融资难",
     "推广科技信贷产品，开展银企对接", "财政局", "工信局",
     4, "银企对接活动4场", "", "", ""),
    ("知识产权保护", "企业知识产权意识不强，高价值专利偏少",
     "开展高价值专利培育", "市场监管局", "科技局",
     7, "高价值专利培育企业20家", "", "", ""),
    ("知识产权保护", "霖鼎光学重特大项目知识产权布局不够",
     "指导企业做好专利布局和风险防控", "市场监管局", "高新区管委会",
     0, "", "高新区", "霖鼎光学", ""),
    ("知识产权保护", "万达轴承核心技术专利保护薄弱",
     "开展知识产权侵权风险排查", "市场监管局", "如城街道办事处",
     -2, "", "如城街道", "万达轴承", ""),
    ("高企培育", "下原镇研发费用指标完成有差距",
     "四不两直到企业了解情况，纾困解忧，整合资源综合施策", "下原镇人民政府", "科技局、财政局",
     -15, "研发投入占比达3%", "下原镇", "", ""),
    ("高企培育", "如城街道企业研发投入不足",
     "落实研发费用加计扣除政策", "如城街道办事处", "财政局",
     21, "", "如城街道", "", ""),
    ("人才引进", "卓远半导体省重点研发计划配套人才不足",
     "协调人才公寓和配套资金", "人社局", "高新区管委会",
     -40, "", "高新区", "卓远半导体", ""),
)  # fmt: skip

# Item rows (1-based 序号) whose work has started, and those already closed (销号).
IN_PROGRESS = (3, 4, 9, 11, 14, 20, 23, 26, 29)
CLOSED = (22, 31)
# The inspectors' own items (assigned by the office).
ASSIGNED = {1001: (4, 9, 11, 14, 29), 1002: (5, 12, 13, 28)}

# 陈主任's 分管 units, and the red items whose escalation notices the demo starts with:
# 2026's 14 (高新区管委会, raised by the office) reaches him, 9 (吴窑镇) only the office.
LEADER_UNITS = ("科技局", "高新区管委会")
RED_NOTICES = ("14", "9")

# The companies' places (WGS-84, approximate, in 如皋), written to the sheet's 纬度/经度
# columns. 海泰科特 has none: its first located visit proposes one for 办公室 to confirm.
# 斯密特森 is about 0.9 km from 卓远半导体, so sending one's place on a visit to the other
# shows 位置不符.
COMPANY_PLACES = {
    "卓远半导体": (32.3519, 120.5862),
    "力威机械": (32.4310, 120.4930),
    "力沛阀门": (32.4706, 120.4672),
    "汤臣汽配": (32.3905, 120.4218),
    "万达轴承": (32.3712, 120.5660),
    "斯密特森": (32.3585, 120.5921),
    "霖鼎光学": (32.3460, 120.5790),
}

# Where the page's location button puts you: at the companies (approximate, for the demo).
PLACES = (
    ("卓远半导体（高新区）", 32.3519, 120.5862),
    ("力威机械（磨头镇）", 32.4310, 120.4930),
    ("力沛阀门（吴窑镇）", 32.4706, 120.4672),
    ("汤臣汽配（下原镇）", 32.3905, 120.4218),
    ("海泰科特（石庄镇）", 32.2641, 120.4103),
    ("万达轴承（如城街道）", 32.3712, 120.5660),
)


def write_sheet(path: Path, today: date) -> Path:
    """The office's table as an .xlsx: a merged title row, a header, one row per item."""
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "任务表"
    sheet.append([f"{today.year}年度科技创新议案办理督查推进任务表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for seq, row in enumerate(ROWS, start=1):
        area, problem, measure, unit, co_units, deadline, target, town, company, level = row
        when: date | str = (
            today + timedelta(days=deadline) if isinstance(deadline, int) else deadline
        )
        latitude, longitude = COMPANY_PLACES.get(company, (None, None))
        sheet.append([seq, area, problem, measure, unit, co_units, when, target, town, company,
                      level, "", latitude, longitude])  # fmt: skip
    widths = (6, 12, 40, 40, 16, 24, 12, 20, 10, 12, 8, 8, 10, 10)
    for column, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(path)
    return path


def seed_database(db: sqlite_utils.Database, sheet: Path, now: datetime) -> dict[str, int]:
    """Import the table, register the people, and move some items along; returns counts."""
    today = now.astimezone(TIMEZONE).date()
    plan = import_file(db, sheet, str(today.year), dry_run=False, now=now)
    if plan.errors:
        problems = "; ".join(str(error) for error in plan.errors)
        raise RuntimeError(f"the demo sheet does not import: {problems}")
    origin = Origin.system(now, "demo")
    with db.atomic():
        for company, town in COMPANY_TOWNS.items():
            ledger.ensure_company(
                db, company, ledger.ensure_named(db, "towns", town, origin), origin
            )
        person_ids = {person.user_id: _register(db, person, origin) for person in PEOPLE}
    items = {item.seq: item for item in ledger.list_items(db, period=str(today.year))}
    office = Actor(person_ids[ADMIN_ID], Role.ADMIN)
    for user_id, seqs in ASSIGNED.items():
        for seq in seqs:
            ledger.assign_inspector(db, items[str(seq)].id, person_ids[user_id], origin)
    for seq in IN_PROGRESS:
        inspector = Actor(person_ids[1001], Role.INSPECTOR)
        ledger.apply_event(db, items[str(seq)].id, Event.LOG_ACTIVITY, inspector, origin)
    for seq in CLOSED:
        item_id = items[str(seq)].id
        ledger.apply_event(db, item_id, Event.REQUEST_CLOSE, office, origin, has_evidence=True)
        ledger.apply_event(db, item_id, Event.APPROVE_CLOSE, office, origin, has_evidence=True)
    ledger.escalate(db, items["14"].id, "red", office, origin, joint_meeting=True)
    with db.atomic():
        _leader_view(db, person_ids[3001], items, now, origin)
        for person in PEOPLE:
            if person.dingtalk is None:  # DingTalk shows no command menu
                _queue_command_menu(db, person, now)
    return {"items": len(items), "people": len(person_ids)}


def _leader_view(
    db: sqlite_utils.Database, leader_id: int, items: dict, now: datetime, origin: Origin
) -> None:
    """陈主任 oversees 科技局 and 高新区管委会 (分管) and opens a chat that holds what the page
    promises: the escalation of 高新区管委会's red item (the red item of 吴窑镇, not his,
    goes to the office only) and this week's digest, which the running bot draws for him
    (its picture first). Queued through the same services the sweep uses."""
    for unit in LEADER_UNITS:
        unit_id = ledger.lookup_id(db, "units", unit)
        if unit_id is not None:
            leader_units.add(db, leader_id, unit_id, origin)
    today = now.astimezone(TIMEZONE).date()
    env = WorkEnv(TIMEZONE, "", "zh", frozenset({ADMIN_ID}))
    work = office_work(db, env, now, source="demo")
    for seq in RED_NOTICES:
        item = ledger.get_item(db, items[seq].id)
        if item.deadline is not None:
            escalation.red_notice(work, item, (today - item.deadline).days)
    week = today - timedelta(days=today.weekday())
    digest.send(work, week)
    reminders.set_state(db, "last_digest_week", week.isoformat())


def _register(db: sqlite_utils.Database, person: DemoPerson, origin: Origin) -> int:
    """A person as an accepted invitation would have left them (audited as the demo's)."""
    unit_id = ledger.ensure_named(db, "units", person.unit, origin) if person.unit else None
    person_id = (
        db["people"]
        .insert(
            {
                "platform": person.address.platform,
                "account": person.address.id,
                "name": person.name,
                "role": person.role.value,
                "unit_id": unit_id,
                "language": "zh",
                "created_at": ledger.iso(origin.at),
            }
        )
        .last_pk
    )
    record(db, origin, entity="person", entity_id=person_id, action=AuditAction.REGISTERED,
           after={"role": person.role.value, "unit": person.unit, "name": person.name})  # fmt: skip
    return person_id


def _queue_command_menu(db: sqlite_utils.Database, person: DemoPerson, now: datetime) -> None:
    """The person's command menu, as registering would have set it (sent once the bot runs)."""
    menu = CommandMenu(
        tuple(
            (action.name, t("zh", action.help))
            for action in registry.ACTIONS.menu(person.role)
            if action.help in CATALOGUE
        )
    )
    to = Address(TELEGRAM, str(person.user_id))
    ((method, payload),) = RENDERERS[TELEGRAM].render(menu, to.id, "zh")
    outbox.enqueue(
        db, key=f"demo-menu:{person.user_id}", to=to, method=method, payload=payload, at=now
    )


def roster(db: sqlite_utils.Database | None = None) -> list[dict[str, object]]:
    """The people the page offers, in the shape ``GET /sandbox/roster`` serves.

    Without a database: the demo's cast as seeded. With the bot's database: the cast first,
    then whoever registered since (an invitation tapped on the page), each with the role and
    unit the bot knows them by now, so a newcomer is no longer labelled 新用户 once registered
    and a cast member whose role the office changed shows the new one.
    """
    registered = {} if db is None else _registered(db)
    cast = {person.address for person in PEOPLE}
    entries = [
        _roster_entry(
            person.user_id,
            registered.get(person.address, (person.name, person.role, person.unit)),
            person.hint_zh,
            person.hint_en,
            person.dingtalk,
        )
        for person in PEOPLE
    ]
    entries += [
        _roster_entry(int(address.id), who, "", "")
        for address, who in registered.items()
        if address not in cast and address.platform == TELEGRAM and address.id.isdecimal()
    ]
    return entries


def _registered(db: sqlite_utils.Database) -> dict[Address, tuple[str, Role, str | None]]:
    """Each account of everyone active → (name, role, unit), in registration order (a
    person who linked a second platform is listed under both accounts)."""
    found: dict[Address, tuple[str, Role, str | None]] = {}
    for person in people_store.active_people(db):
        for account in people_store.accounts(db, person.id):
            found[account] = (person.name, person.role, person.unit)
    return found


def _roster_entry(
    user_id: int,
    who: tuple[str, Role, str | None],
    hint_zh: str,
    hint_en: str,
    dingtalk: str | None = None,
) -> dict[str, object]:
    """One person the page offers; ``platform`` says which phone it draws for them (a
    DingTalk person's chat goes through ``/sandbox/dingtalk/chats/{staff_id}``)."""
    name, role, unit = who
    return {
        "user_id": user_id,
        "name": name,
        "role": role.value,
        "role_zh": ROLE_LABELS[role][0],
        "role_en": ROLE_LABELS[role][1],
        "unit": unit,
        "hint_zh": hint_zh,
        "hint_en": hint_en,
        "platform": DINGTALK if dingtalk is not None else TELEGRAM,
        "staff_id": dingtalk,
    }


def live_roster(database: Path) -> list[dict[str, object]]:
    """``roster`` as the bot's database says now; the sandbox asks on every page request, so
    a short read-only connection each time (the bot keeps writing through its own)."""
    db = connect(database, read_only=True)
    try:
        return roster(db)
    finally:
        db.close()


def demo_settings(
    directory: Path, sandbox: Sandbox, dingtalk: DingTalkStandIn | None = None
) -> Settings:
    """Settings for the demo bot; the environment and ``.env`` are deliberately ignored.
    With the DingTalk stand-in, the bot serves both front-ends, as a county office that
    has people on each runs it."""
    env = {
        "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
        "TELEGRAM_API_URL": sandbox.url,
        "DATABASE_PATH": str(directory / "duban.sqlite"),
        "MEDIA_DIR": str(directory / "media"),
        "ADMIN_IDS": str(ADMIN_ID),
        "TIMEZONE": "Asia/Shanghai",
        "DEFAULT_LANGUAGE": "zh",
    }
    if dingtalk is not None:
        state = dingtalk.state
        env |= {
            "DINGTALK_CLIENT_ID": state.client_id,
            "DINGTALK_CLIENT_SECRET": state.client_secret,
            "DINGTALK_ROBOT_CODE": state.robot_code,
            # Any id does for the stand-in; a real app names the template it created from
            # bot/platforms/dingtalk/card_template.json.
            "DINGTALK_CARD_TEMPLATE_ID": "duban.demo.card",
            "DINGTALK_OPENAPI_ENDPOINT": dingtalk.url,
            "DINGTALK_OAPI_ENDPOINT": dingtalk.url,
        }
    return load_settings(env, dotenv=directory / "no.env")


def prepare_directory(directory: Path, now: datetime) -> Path:
    """Empty the demo directory, write the sheet and seed the database; returns the sheet."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    sheet = write_sheet(directory / SHEET_NAME, now.astimezone(TIMEZONE).date())
    db = open_database(directory / "duban.sqlite")
    try:
        counts = seed_database(db, sheet, now)
    finally:
        db.close()
    log.info("demo database seeded: %(items)s items, %(people)s people", counts)
    return sheet


@dataclass
class Demo:
    """A running demo: the sandbox, the bot, and where the page is."""

    sandbox: Sandbox
    runtime: BotRuntime
    directory: Path
    clock: DemoClock
    dingtalk: DingTalkStandIn | None = None  # DingTalk's stand-in, beside the sandbox

    @property
    def page_url(self) -> str:
        return f"{self.sandbox.url}/phone/"

    async def stop(self) -> None:
        await self.runtime.stop()
        await self.sandbox.stop()
        if self.dingtalk is not None:
            await asyncio.to_thread(self.dingtalk.stop)


async def start_demo(directory: Path = DEMO_DIR, host: str = "127.0.0.1", port: int = 0) -> Demo:
    """Seed ``directory`` afresh, start the sandbox on ``host:port`` (0: any) and the bot."""
    clock = DemoClock(office_hours_offset(datetime.now(UTC)))
    await asyncio.to_thread(prepare_directory, directory, clock.now())
    sandbox = Sandbox(SandboxState(clock=clock.timestamp), rate_limits=True, token=DEMO_TOKEN)
    sandbox.roster = roster()
    sandbox.roster_source = functools.partial(live_roster, directory / "duban.sqlite")
    sandbox.places = [{"name": n, "latitude": la, "longitude": lo} for n, la, lo in PLACES]
    # DingTalk's stand-in on a thread of its own (never on the bot's loop: the SDK's calls
    # block), its people known to it, and its page routes behind the sandbox's door.
    dingtalk = DingTalkStandIn()
    await asyncio.to_thread(dingtalk.start)
    sandbox.extra_routes.append(functools.partial(dingtalk_page.add_routes, standin=dingtalk))
    bot = sandbox.state.bot_for_token(DEMO_TOKEN)
    for person in PEOPLE:
        if person.dingtalk is not None:
            dingtalk.state.staff[person.dingtalk] = person.name
            continue
        sandbox.state.add_user(person.user_id, person.name, language_code="zh")
        # Registered people have talked to the bot before, so it may write to them first.
        sandbox.state.private_chat(bot, person.user_id)
    try:
        await sandbox.start(host, port)
    except BaseException:
        await asyncio.to_thread(dingtalk.stop)
        raise
    runtime = BotRuntime(demo_settings(directory, sandbox, dingtalk), clock)
    try:
        await runtime.start()
    except BaseException:
        await runtime.stop()
        await sandbox.stop()
        await asyncio.to_thread(dingtalk.stop)
        raise
    await _connected(dingtalk)
    return Demo(sandbox, runtime, directory, clock, dingtalk)


async def _connected(dingtalk: DingTalkStandIn, seconds: float = 10.0) -> None:
    """Wait (a moment, usually) until the bot's DingTalk stream is connected, so the page's
    first DingTalk message finds it; a stream that takes longer connects on its own later."""
    for _ in range(int(seconds / 0.05)):
        if dingtalk.connections():
            return
        await asyncio.sleep(0.05)


def run_demo(host: str = "127.0.0.1", port: int = 8080, lang: str = "zh") -> int:
    """``duban demo``: serve the demo until Ctrl-C."""
    configure_logging(DEMO_TOKEN)

    async def serve() -> int:
        try:
            demo = await start_demo(DEMO_DIR, host, port)
        except OSError as error:
            reason = error.strerror or str(error)
            say = plain(lang, "cli.demo.cannot_listen", host=host, port=port, reason=reason)
            print(say, file=sys.stderr)
            print(plain(lang, "cli.demo.other_port"), file=sys.stderr)
            return 2
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signal_number, stopping.set)
        print()
        print(plain(lang, "cli.demo.open", url=demo.page_url))
        print(plain(lang, "cli.demo.data", folder=DEMO_DIR, stop="Ctrl-C"))
        if demo.clock.offset:
            shown = demo.clock.now().astimezone(TIMEZONE)
            print(plain(lang, "cli.demo.clock", at=f"{shown:%Y-%m-%d %H:%M}"))
        print(flush=True)
        try:
            waiter = asyncio.create_task(stopping.wait())
            runner = asyncio.create_task(demo.runtime.wait())
            await asyncio.wait({waiter, runner}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if runner.done() and runner.exception():
                log.error("the bot stopped", exc_info=runner.exception())
                return 1
            runner.cancel()
        finally:
            await demo.stop()
        return 0

    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(serve())
    return 0
