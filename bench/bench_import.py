"""How much slower a whole import is than a bare openpyxl read-only pass over the same file.

"A whole import" is ``duban import`` minus the command line: read and check the sheet, plan
every row against the ledger, and write the items with their audit events into a fresh
database (WAL, synchronous=FULL). The goal is a ratio of at most 2.0 on a realistic
10 000-row office table (merged title, two-row header, vertically merged town cells,
section and subtotal rows, mixed deadline forms). Both are timed best-of-3, interleaved, in
one process; memory is measured on a separate, untimed run because tracemalloc slows
everything it watches.

    .venv/bin/python -m bench.bench_import
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import MultiCellRange

from bot.sheets.importing import import_file
from bot.sheets.reader import read_sheet
from storage.db import open_database

ROWS = 10_000
GOAL = 2.0
YEAR = 2024

_TOWNS = ("磨头镇", "吴窑镇", "下原镇", "石庄镇", "高新区", "如城街道")
_COMPANIES = ("卓远半导体", "力威机械", "万达轴承", "斯密特森", "汤臣汽配", "力沛阀门", "海泰科特")
_UNITS = ("科技局", "工信局", "发改委", "财政局", "人社局", "市场监管局", "高新区管委会")
_AREAS = ("高企培育", "产学研合作", "新型研发机构", "双创载体", "创新服务平台", "人才引进")
_DEADLINES = ("6月底前", "年底", "三季度末", "2024年5月30日前", "长期坚持", "每月", "上半年")
_PROBLEMS = (
    "企业研发投入占营业收入比重偏低，研发机构建设滞后",
    "高新技术企业培育后备库储备不足，申报积极性不高",
    "产学研合作项目落地慢，成果转化率低",
    "孵化器建设进度缓慢，入驻率不足六成",
    "科技金融产品少，科技型中小企业融资难",
)


def generate(path: Path, rows: int = ROWS, seed: int = 7) -> Path:
    """Write an office-style task table with ``rows`` task rows."""
    rng = random.Random(seed)
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "督查推进任务表"
    headers = ["序号", "领域", "镇区", "企业", "问题", "措施", "承办单位", "配合单位",
               "办理时限", "跟踪督办目标", "督办等级", "备注"]  # fmt: skip
    sheet.append(["2024年度科技创新工作督查推进任务表"])
    sheet.append(["序号", "领域", "镇区", "企业", "三单", None, "责任分工", None, "办理时限",
                  "跟踪督办目标", "督办等级", "备注"])  # fmt: skip
    sheet.append([None, None, None, None, "问题", "措施", "承办单位", "配合单位"])
    # Worksheet.merge_cells checks each new range against all others (quadratic), so the
    # ranges are collected and set once at the end.
    merges = ["A1:L1", "E2:F2", "G2:H2"] + [f"{column}2:{column}3" for column in "ABCDIJKL"]
    assert len(headers) == 12
    written = 0
    current = 3  # the last row written; Worksheet.max_row rescans every cell, so count here
    while written < rows:
        if written % 500 == 0:
            sheet.append([f"{written // 500 + 1}、{rng.choice(_AREAS)}"])
            current += 1
        block = min(rng.randint(1, 5), rows - written)
        first = current + 1
        town = rng.choice(_TOWNS)
        for index in range(block):
            written += 1
            deadline: object = rng.choice(_DEADLINES)
            if rng.random() < 0.4:
                deadline = dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
            sheet.append([
                written,
                rng.choice(_AREAS),
                town if index == 0 else None,
                rng.choice(_COMPANIES),
                f"{rng.choice(_PROBLEMS)}（第{written}项）",
                "建立清单、专人对接、定期调度，" * rng.randint(1, 3),
                f"{rng.choice(_UNITS)}牵头" if rng.random() < 0.3 else rng.choice(_UNITS),
                "、".join(rng.sample(_UNITS, rng.randint(0, 2))),
                deadline,
                f"净增{rng.randint(1, 200)}家",
                rng.choice(("", "一般督办", "重点督办", "提级督办")),
                None,
            ])  # fmt: skip
            current += 1
        if block > 1:
            merges.append(f"C{first}:C{first + block - 1}")
        if written % 1000 == 0:
            sheet.append(["小计", None, None, None, None, None, None, None, None, "1000项"])
            current += 1
    sheet.append(["注：办理时限以市委市政府文件为准。"])
    sheet.merged_cells = MultiCellRange(merges)
    workbook.save(path)
    return path


def plain_pass(path: Path) -> int:
    """The baseline: open read-only and touch every value, nothing else."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = 0
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    count += 1
    finally:
        workbook.close()
    return count


def timed(work: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def full_import(path: Path, folder: Path, attempt: int) -> None:
    """What ``duban import`` does, into a new database."""
    db = open_database(folder / f"import-{attempt}.sqlite")
    try:
        plan = import_file(db, path, str(YEAR), dry_run=False)
        if plan.errors or not plan.new:
            raise RuntimeError(plan.summary())
    finally:
        db.close()


def run(rows: int = ROWS) -> dict[str, object]:
    """Generate the table, time the import and the bare read, measure memory."""
    with tempfile.TemporaryDirectory() as folder:
        path = generate(Path(folder) / "bench.xlsx", rows)
        result = read_sheet(path, YEAR)
        # Interleaved, so a busy machine slows both sides alike; best of 3 each.
        baseline = ours = reading = float("inf")
        for attempt in range(3):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                baseline = min(baseline, timed(lambda: plain_pass(path)))
            reading = min(reading, timed(lambda: read_sheet(path, YEAR)))
            ours = min(ours, timed(lambda a=attempt: full_import(path, Path(folder), a)))
        tracemalloc.start()
        read_sheet(path, YEAR)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = path.stat().st_size
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    maxrss_mb = maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return {
        "bench": "import",
        "rows": rows,
        "file_mb": round(size / 1024 / 1024, 2),
        "import_s": round(ours, 3),
        "read_sheet_s": round(reading, 3),
        "openpyxl_read_only_s": round(baseline, 3),
        "ratio": round(ours / baseline, 2),
        "goal_ratio": GOAL,
        "ok": ours / baseline <= GOAL,
        "rows_read": len(result.rows),
        "row_errors": len(result.errors),
        "skipped": result.skipped,
        "tracemalloc_peak_mb": round(peak / 1024 / 1024, 1),
        "ru_maxrss_mb": round(maxrss_mb, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False))
