"""Schema migrations, applied at start-up.

Each migration is registered once and never edited after it has shipped; a change to
the schema is a new migration at the end of the list. A database that records a
migration this code does not know was made by a newer Duban and is refused, because
running old code on it could silently drop what the newer version relies on.
"""

from __future__ import annotations

import hashlib

import sqlite_utils
from sqlite_utils import Migrations

from storage.rows import as_dicts, fetch_all, fetch_value

migrations = Migrations("duban")

AREAS = (
    ("overall", "总体方案", "Overall plan"),
    ("hightech", "高企培育", "High-tech enterprise cultivation"),
    ("cooperation", "产学研合作", "Industry-academia-research cooperation"),
    ("rnd", "新型研发机构", "New R&D institutions"),
    ("incubators", "双创载体", "Innovation carriers and incubators"),
    ("platforms", "创新服务平台", "Innovation service platforms"),
    ("talent", "人才引进", "Talent"),
    ("finance", "科技金融", "Technology finance"),
    ("ip", "知识产权保护", "Intellectual-property protection"),
)


class SchemaTooNewError(Exception):
    """The database was written by a newer version of Duban."""


def _execute_all(db: sqlite_utils.Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction; run statements one by one.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0001_ledger")
def _ledger(db: sqlite_utils.Database) -> None:
    _execute_all(
        db,
        """
CREATE TABLE policy (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,            -- JSON
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE periods (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_zh TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE towns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    town_id INTEGER REFERENCES towns(id),
    needs_review INTEGER NOT NULL DEFAULT 0,   -- added on the spot by an inspector
    created_by INTEGER REFERENCES people(id),
    created_at TEXT NOT NULL
);
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    tg_user_id INTEGER UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('inspector', 'contact', 'admin', 'leader')),
    unit_id INTEGER REFERENCES units(id),
    language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
    active INTEGER NOT NULL DEFAULT 1,
    reachable INTEGER NOT NULL DEFAULT 1,      -- 0 once Telegram says the bot is blocked
    created_at TEXT NOT NULL
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,                 -- stable across periods, e.g. 2024-012
    period_id INTEGER NOT NULL REFERENCES periods(id),
    seq TEXT,                                  -- 序号 as the sheet writes it
    problem TEXT NOT NULL,
    measure TEXT NOT NULL DEFAULT '',
    unit_id INTEGER REFERENCES units(id),      -- lead unit (承办/牵头)
    deadline TEXT,                             -- ISO local date, or NULL
    deadline_text TEXT NOT NULL DEFAULT '',
    recurring TEXT CHECK (recurring IN ('monthly', 'quarterly')),
    ongoing INTEGER NOT NULL DEFAULT 0,
    target TEXT NOT NULL DEFAULT '',
    target_number REAL,
    area_id INTEGER REFERENCES areas(id),
    town_id INTEGER REFERENCES towns(id),
    company_id INTEGER REFERENCES companies(id),
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'in_progress', 'close_requested', 'closed')),
    sheet_level TEXT NOT NULL DEFAULT 'none'
        CHECK (sheet_level IN ('none', 'blue', 'yellow', 'red')),
    manual_level TEXT NOT NULL DEFAULT 'none'
        CHECK (manual_level IN ('none', 'blue', 'yellow', 'red')),
    joint_meeting INTEGER NOT NULL DEFAULT 0,  -- marked for 专题会商
    notes TEXT NOT NULL DEFAULT '',
    needs_review INTEGER NOT NULL DEFAULT 0,   -- created by an inspector, for the office
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX items_period ON items(period_id, seq);
CREATE INDEX items_status ON items(status);
CREATE INDEX items_unit ON items(unit_id);
CREATE INDEX items_company ON items(company_id);
CREATE TABLE item_co_units (
    item_id INTEGER NOT NULL REFERENCES items(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (item_id, unit_id)
);
CREATE TABLE item_inspectors (
    item_id INTEGER NOT NULL REFERENCES items(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    assigned_by TEXT NOT NULL CHECK (assigned_by IN ('office', 'finding')),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (item_id, person_id)
);
CREATE TABLE item_periods (                    -- every period an item has belonged to
    item_id INTEGER NOT NULL REFERENCES items(id),
    period_id INTEGER NOT NULL REFERENCES periods(id),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (item_id, period_id)
);
CREATE TABLE deadline_history (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    deadline TEXT,
    deadline_text TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    item_id INTEGER REFERENCES items(id),
    entity TEXT NOT NULL,                      -- 'item', 'person', 'policy', ...
    entity_id INTEGER,
    action TEXT NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'cli', 'import', 'system')),
    actor TEXT NOT NULL,                       -- user id, OS user, or the file's sha256
    at TEXT NOT NULL,                          -- UTC ISO 8601
    before TEXT,                               -- JSON
    after TEXT,                                -- JSON
    update_id INTEGER                          -- the Telegram update behind it, if any
);
CREATE INDEX audit_item ON audit_events(item_id, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    started_by INTEGER NOT NULL REFERENCES people(id),
    started_at TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT CHECK (end_reason IN ('done', 'idle', 'handover')),
    latitude REAL,
    longitude REAL,
    located_at TEXT
);
CREATE TABLE visit_members (
    visit_id INTEGER NOT NULL REFERENCES visits(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (visit_id, person_id)
);
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER REFERENCES visits(id),
    item_id INTEGER REFERENCES items(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    text TEXT NOT NULL DEFAULT '',
    media_group_id TEXT,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    update_id INTEGER UNIQUE
);
CREATE TABLE progress_reports (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    text TEXT NOT NULL DEFAULT '',
    figure REAL,
    created_at TEXT NOT NULL,
    update_id INTEGER UNIQUE
);
CREATE TABLE closeout_requests (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    requested_by INTEGER NOT NULL REFERENCES people(id),
    text TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'returned')),
    decided_by INTEGER REFERENCES people(id),
    decided_at TEXT,
    reason TEXT,
    created_at TEXT NOT NULL,
    update_id INTEGER UNIQUE
);
CREATE TABLE extension_requests (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    requested_by INTEGER NOT NULL REFERENCES people(id),
    new_deadline TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by INTEGER REFERENCES people(id),
    decided_at TEXT,
    created_at TEXT NOT NULL,
    update_id INTEGER UNIQUE
);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    item_id INTEGER REFERENCES items(id),
    finding_id INTEGER REFERENCES findings(id),
    progress_id INTEGER REFERENCES progress_reports(id),
    closeout_id INTEGER REFERENCES closeout_requests(id),
    person_id INTEGER REFERENCES people(id),
    kind TEXT NOT NULL CHECK (kind IN ('photo', 'document', 'voice', 'video', 'location')),
    file_id TEXT,
    file_unique_id TEXT,
    sha256 TEXT,                               -- content address under MEDIA_DIR
    file_name TEXT,
    mime_type TEXT,
    size INTEGER,
    caption TEXT NOT NULL DEFAULT '',
    latitude REAL,
    longitude REAL,
    taken_at TEXT NOT NULL,                    -- the message's own date
    stored TEXT NOT NULL DEFAULT 'pending'
        CHECK (stored IN ('pending', 'stored', 'too_big', 'none')),
    download_attempts INTEGER NOT NULL DEFAULT 0,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    update_id INTEGER,
    UNIQUE (update_id, file_unique_id)
);
CREATE INDEX evidence_pending ON evidence(stored) WHERE stored = 'pending';
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    raw TEXT NOT NULL,                         -- the update's JSON, as Telegram sent it
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'set_aside')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    processed_at TEXT
);
CREATE INDEX inbox_pending ON inbox(status, update_id) WHERE status = 'pending';
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    dedup_key TEXT NOT NULL UNIQUE,
    chat_id INTEGER NOT NULL,
    method TEXT NOT NULL,                      -- sendMessage, sendPhoto, ...
    payload TEXT NOT NULL,                     -- JSON
    created_at TEXT NOT NULL,
    not_before TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TEXT,
    message_id INTEGER
);
CREATE INDEX outbox_due ON outbox(status, not_before) WHERE status = 'pending'
""",
    )
    # The 1+8 system: one overall plan and eight thematic areas.
    db["areas"].insert_all([{"code": code, "name_zh": zh, "name_en": en} for code, zh, en in AREAS])


@migrations(name="0002_conversation")
def _conversation(db: sqlite_utils.Database) -> None:
    _execute_all(
        db,
        """
CREATE TABLE invitations (
    code TEXT PRIMARY KEY,                     -- unguessable, used once
    role TEXT NOT NULL CHECK (role IN ('inspector', 'contact', 'admin', 'leader')),
    unit_id INTEGER REFERENCES units(id),
    name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by INTEGER REFERENCES people(id),
    used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE buttons (                         -- what an inline button means, server-side
    token TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    action TEXT NOT NULL,
    payload TEXT NOT NULL,                     -- JSON
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE dialogs (                         -- what the bot is waiting for from a person
    person_id INTEGER PRIMARY KEY REFERENCES people(id),
    state TEXT NOT NULL,
    data TEXT NOT NULL,                        -- JSON
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_chat ON outbox(chat_id, id) WHERE status = 'pending';
CREATE TABLE runtime_facts (                  -- e.g. the bot's username, for CLI links
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE admin_notices (                   -- "tell the administrators once" markers
    key TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
)
""",
    )


@migrations(name="0003_visits")
def _visits(db: sqlite_utils.Database) -> None:
    """Visits, findings and evidence: office review outcomes, download retries, lookups."""
    _execute_all(
        db,
        """
ALTER TABLE items ADD COLUMN merged_into INTEGER REFERENCES items(id);
ALTER TABLE items ADD COLUMN review_outcome TEXT
    CHECK (review_outcome IN ('completed', 'merged', 'rejected'));
ALTER TABLE companies ADD COLUMN merged_into INTEGER REFERENCES companies(id);
ALTER TABLE companies ADD COLUMN review_outcome TEXT
    CHECK (review_outcome IN ('completed', 'merged', 'rejected'));
ALTER TABLE evidence ADD COLUMN next_download_at TEXT;
ALTER TABLE findings ADD COLUMN last_activity_at TEXT;
CREATE INDEX visit_members_person ON visit_members(person_id, visit_id);
CREATE INDEX visits_open ON visits(ended_at, last_activity_at);
CREATE INDEX findings_visit ON findings(visit_id, id);
CREATE INDEX findings_item ON findings(item_id, id);
CREATE INDEX findings_group ON findings(person_id, media_group_id);
CREATE INDEX evidence_finding ON evidence(finding_id, id);
CREATE INDEX evidence_item ON evidence(item_id, id)
""",
    )


@migrations(name="0004_reminders")
def _reminders(db: sqlite_utils.Database) -> None:
    """Reminder engine state in rows, acknowledgements, look-backs and workday overrides.

    ``items.next_sweep_on`` is the next local date the sweep must look at the item: ''
    means "at the next pass" (new or changed items; the trigger sets it), NULL means
    nothing is left to do. The partial index keeps the sweep to the items that are due.
    """
    _execute_all(
        db,
        """
ALTER TABLE items ADD COLUMN next_sweep_on TEXT DEFAULT '';
ALTER TABLE items ADD COLUMN swept_on TEXT;
CREATE INDEX items_next_sweep ON items(next_sweep_on) WHERE next_sweep_on IS NOT NULL;
CREATE TRIGGER items_reschedule AFTER UPDATE OF deadline, status, recurring, ongoing, unit_id,
    sheet_level, manual_level, closed_at ON items
WHEN OLD.deadline IS NOT NEW.deadline OR OLD.status IS NOT NEW.status
    OR OLD.recurring IS NOT NEW.recurring OR OLD.ongoing IS NOT NEW.ongoing
    OR OLD.unit_id IS NOT NEW.unit_id OR OLD.sheet_level IS NOT NEW.sheet_level
    OR OLD.manual_level IS NOT NEW.manual_level OR OLD.closed_at IS NOT NEW.closed_at
BEGIN UPDATE items SET next_sweep_on = '' WHERE id = NEW.id; END;
CREATE TABLE sweep_state (                     -- e.g. last_sweep_day, last_digest_week
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE daily_pushes (                    -- the one reminder push per person per day
    person_id INTEGER NOT NULL REFERENCES people(id),
    day TEXT NOT NULL,
    PRIMARY KEY (person_id, day)
);
CREATE TABLE parked_units (                    -- units with due reminders but no contact
    unit_id INTEGER PRIMARY KEY REFERENCES units(id),
    since TEXT NOT NULL
);
CREATE TABLE workday_overrides (               -- the office's own holidays and 调休 days
    day TEXT PRIMARY KEY,
    workday INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE TABLE acks (                            -- 签收 of a newly assigned or returned item
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('assigned', 'returned')),
    sent_on TEXT NOT NULL,                     -- local date the unit was told
    created_at TEXT NOT NULL,
    acked_by INTEGER REFERENCES people(id),
    acked_at TEXT,
    overdue_told INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX acks_assigned ON acks(item_id, unit_id) WHERE kind = 'assigned';
CREATE INDEX acks_open ON acks(unit_id, item_id) WHERE acked_at IS NULL;
CREATE TABLE lookbacks (                       -- 回头看 tasks, one per close-out
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    closed_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    outcome TEXT CHECK (outcome IN ('holds', 'reopened')),
    decided_by INTEGER REFERENCES people(id),
    decided_at TEXT,
    finding TEXT,
    UNIQUE (item_id, closed_at)
);
CREATE INDEX closeout_item ON closeout_requests(item_id, id);
CREATE INDEX extension_item ON extension_requests(item_id, id);
CREATE INDEX progress_item ON progress_reports(item_id, id)
""",
    )


@migrations(name="0005_report_jobs")
def _report_jobs(db: sqlite_utils.Database) -> None:
    """Reports, exports, documents and sheet imports asked for in the chat.

    Building them takes seconds, so a request is a row here, done by a background runner
    off the event loop; a crash leaves the row pending and the runner picks it up again.
    """
    _execute_all(
        db,
        """
CREATE TABLE report_jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                        -- report, ranking, export, dossier, import, ...
    person_id INTEGER NOT NULL REFERENCES people(id),
    chat_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    params TEXT NOT NULL,                      -- JSON
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    update_id INTEGER UNIQUE                   -- the request behind it: asked for once
);
CREATE INDEX report_jobs_pending ON report_jobs(status, id) WHERE status = 'pending'
""",
    )


@migrations(name="0006_inspector_assignments")
def _inspector_assignments(db: sqlite_utils.Database) -> None:
    """Only the office assigns inspectors; logging a finding makes one *involved*, no more.

    Until now tying a finding wrote an ``item_inspectors`` row with ``assigned_by='finding'``,
    and every such row let its inspector verify the item's close-out. Those rows become
    involvement (shown on the card, granting nothing); ``item_inspectors`` keeps the office's
    assignments only. Office-assigned inspectors who logged findings are involved as well.
    """
    _execute_all(
        db,
        """
CREATE TABLE item_involvement (                -- logged a finding or added evidence
    item_id INTEGER NOT NULL REFERENCES items(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    since TEXT NOT NULL,
    PRIMARY KEY (item_id, person_id)
);
CREATE INDEX item_involvement_person ON item_involvement(person_id);
INSERT OR IGNORE INTO item_involvement (item_id, person_id, since)
    SELECT item_id, person_id, assigned_at FROM item_inspectors WHERE assigned_by = 'finding';
INSERT OR IGNORE INTO item_involvement (item_id, person_id, since)
    SELECT f.item_id, f.person_id, MIN(f.created_at) FROM findings f
      JOIN item_inspectors ii ON ii.item_id = f.item_id AND ii.person_id = f.person_id
     WHERE f.withdrawn = 0
     GROUP BY f.item_id, f.person_id;
DELETE FROM item_inspectors WHERE assigned_by = 'finding';
CREATE INDEX item_inspectors_person ON item_inspectors(person_id)
""",
    )


# The columns an invitation keeps, in order, when its code is replaced by the code's hash.
_KEPT_INVITATION_COLUMNS = (
    "role",
    "unit_id",
    "name",
    "created_by",
    "created_at",
    "expires_at",
    "used_by",
    "used_at",
    "revoked_at",
)


@migrations(name="0007_invitation_hashes")
def _invitation_hashes(db: sqlite_utils.Database) -> None:
    """Invitation codes are kept only as their sha256, so a backup or ``duban browse`` shows
    no live link; links already sent keep working, because /start hashes what it is given.

    The table is rebuilt with an id (buttons name an invitation by it, never by its code),
    the admin who made it (told when it is used) and the outbox key of the message holding
    the link (edited when it is used or revoked). Every other place an old code may linger
    is cleaned too: revoke buttons, finished inbox updates (``/start CODE``), messages
    already sent and audit events of revocations. ``secure_delete`` zeroes the freed pages,
    so the old codes do not survive in the file's free space either; the old table is
    dropped before the new one is made, so the new one reuses its pages.
    """
    db.execute("PRAGMA secure_delete = ON")
    old = fetch_all(
        db,
        "SELECT code, role, unit_id, name, created_by, created_at, expires_at, used_by, "
        "used_at, revoked_at FROM invitations ORDER BY rowid",
    )
    db.execute("DROP TABLE invitations")
    _execute_all(
        db,
        """
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,            -- sha256 of the code; the code is never stored
    role TEXT NOT NULL CHECK (role IN ('inspector', 'contact', 'admin', 'leader')),
    unit_id INTEGER REFERENCES units(id),
    name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_by_person INTEGER REFERENCES people(id),   -- the admin who made it in the chat
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    message_key TEXT,                          -- outbox key of the message holding the link
    used_by INTEGER REFERENCES people(id),
    used_at TEXT,
    revoked_at TEXT
)
""",
    )
    ids: dict[str, int] = {}
    for row in old:
        code = row["code"]
        inviter = fetch_value(
            db, "SELECT id FROM people WHERE CAST(tg_user_id AS TEXT) = ?", [row["created_by"]]
        )
        cursor = db.execute(
            "INSERT INTO invitations (code_hash, role, unit_id, name, created_by, "
            "created_at, expires_at, used_by, used_at, revoked_at, created_by_person) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                hashlib.sha256(code.encode("utf-8")).hexdigest(),
                *(row[name] for name in _KEPT_INVITATION_COLUMNS),
                inviter,
            ],
        )
        ids[code] = cursor.lastrowid
    for code, invitation_id in ids.items():
        _forget_code(db, code, invitation_id)


def _forget_code(db: sqlite_utils.Database, code: str, invitation_id: int) -> None:
    """Remove one old plain code from everywhere but a message still waiting to be sent.

    The admin's message that carried the link is found by it, so that message is still
    edited when the link is used after the upgrade.
    """
    message_key = fetch_value(
        db,
        "SELECT dedup_key FROM outbox WHERE method = 'sendMessage' AND instr(payload, ?) > 0 "
        "ORDER BY id LIMIT 1",
        [code],
    )
    if message_key is not None:
        db.execute(
            "UPDATE invitations SET message_key = ? WHERE id = ?", [message_key, invitation_id]
        )
    db.execute(
        "UPDATE buttons SET payload = json_object('invitation', ?) "
        "WHERE action = 'invite.revoke' AND instr(payload, ?) > 0",
        [invitation_id, code],
    )
    db.execute(
        "UPDATE inbox SET raw = replace(raw, ?, '[invitation]') "
        "WHERE status != 'pending' AND instr(raw, ?) > 0",
        [code, code],
    )
    db.execute(
        "UPDATE outbox SET payload = replace(payload, ?, '[invitation]') "
        "WHERE status != 'pending' AND instr(payload, ?) > 0",
        [code, code],
    )
    # Audit events are append-only; a revocation's event named the code it revoked. The
    # trigger is lifted for this one rewrite only, inside the migration's transaction (IF
    # EXISTS: on a database someone tampered with it may be gone; it comes back here).
    if db.execute("SELECT 1 FROM audit_events WHERE instr(after, ?) > 0", [code]).fetchone():
        db.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        db.execute(
            "UPDATE audit_events SET after = json_object('invitation', ?) "
            "WHERE entity = 'invitation' AND instr(after, ?) > 0",
            [invitation_id, code],
        )
        db.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
        )


@migrations(name="0008_company_coordinates")
def _company_coordinates(db: sqlite_utils.Database) -> None:
    """Proof of presence: where a company is, how far each visit's location was from it.

    ``visits.distance_m`` is measured when the location arrives (or, for a company without
    coordinates then, when its coordinates first become known) and is never recomputed, so
    moving a company later cannot quietly clear an earlier visit's 位置不符.
    """
    _execute_all(
        db,
        """
ALTER TABLE companies ADD COLUMN latitude REAL;
ALTER TABLE companies ADD COLUMN longitude REAL;
ALTER TABLE companies ADD COLUMN coordinates_source TEXT
    CHECK (coordinates_source IN ('sheet', 'admin', 'visit'));
ALTER TABLE companies ADD COLUMN coordinates_at TEXT;
ALTER TABLE visits ADD COLUMN distance_m REAL;
CREATE TABLE company_place_proposals (           -- a first located visit's offer of coordinates
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    visit_id INTEGER NOT NULL REFERENCES visits(id),
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    proposed_by INTEGER NOT NULL REFERENCES people(id),
    proposed_at TEXT NOT NULL,
    outcome TEXT CHECK (outcome IN ('confirmed', 'rejected', 'superseded')),
    decided_by INTEGER REFERENCES people(id),
    decided_at TEXT
);
CREATE UNIQUE INDEX company_place_open ON company_place_proposals(company_id)
    WHERE outcome IS NULL
""",
    )


@migrations(name="0009_audit_chain")
def _audit_chain(db: sqlite_utils.Database) -> None:
    """Audit events become a hash chain (bot/domain/audit_chain.py): each stores the hash of
    the one before it and its own, over its canonical content.

    Existing events are chained in id order, as they stand at the upgrade: the chain vouches
    for them from this moment on, not before. The append-only triggers refuse the UPDATE
    that fills the new columns, so they are dropped and created again, the same, inside
    this migration's transaction: no moment exists in which an event could be changed.
    """
    from bot.domain.audit_chain import GENESIS, chain_hash

    _execute_all(
        db,
        """
DROP TRIGGER IF EXISTS audit_events_no_update;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT
""",
    )
    columns = (
        "id, item_id, entity, entity_id, action, actor_kind, actor, at, before, after, update_id"
    )
    prev_hash, last_id = GENESIS, 0
    while True:  # in batches, so a trail of millions of events never sits in memory at once
        cursor = db.execute(
            f"SELECT {columns} FROM audit_events WHERE id > ? ORDER BY id LIMIT 5000", [last_id]
        )
        batch = list(as_dicts(cursor))
        if not batch:
            break
        updates = []
        for row in batch:
            own = chain_hash(prev_hash, row)
            updates.append((prev_hash, own, row["id"]))
            prev_hash, last_id = own, row["id"]
        db.conn.executemany("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?", updates)
    # Both triggers as 0001 made them (one dropped by hand before the upgrade comes back).
    for verb, name in (("UPDATE", "no_update"), ("DELETE", "no_delete")):
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS audit_events_{name} BEFORE {verb} ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
        )


@migrations(name="0010_delivery")
def _delivery(db: sqlite_utils.Database) -> None:
    # When a row's sends began to fail: after 24 hours of failures it is given up
    # (bot/domain/delivery.py). created_at cannot tell, as a row may wait days to be due.
    _execute_all(db, "ALTER TABLE outbox ADD COLUMN failing_since TEXT")


@migrations(name="0011_evidence_in_chain")
def _evidence_in_chain(db: sqlite_utils.Database) -> None:
    """Every file already stored gets the ``file_stored`` audit event that new files get as
    they are stored (storage/evidence.py), so ``duban verify`` can hold each evidence row's
    sha256 to the chain. As with 0009, the chain vouches for them from the upgrade on."""
    from datetime import UTC, datetime

    from bot.domain.audit import Origin
    from storage.audit import append_events, event_row
    from storage.evidence import STORED_ACTION

    origin = Origin.system(datetime.now(UTC), "upgrade")
    last_id = 0
    while True:  # in batches, as 0009 does
        batch = db.execute(
            "SELECT id, sha256 FROM evidence WHERE id > ? AND stored = 'stored' "
            "AND sha256 IS NOT NULL ORDER BY id LIMIT 5000",
            [last_id],
        ).fetchall()
        if not batch:
            return
        rows = [
            event_row(
                origin,
                entity="evidence",
                entity_id=evidence_id,
                action=STORED_ACTION,
                after={"sha256": sha256},
            )
            for evidence_id, sha256 in batch
        ]
        append_events(db, rows)
        last_id = batch[-1][0]


# The three tables as 0012 leaves them. Each keeps its rows' ids, so the sender's order per
# chat, the buttons and visits that name a person, and the audit trail's update ids still hold.
_PLATFORM_TABLES = """
CREATE TABLE people_new (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL DEFAULT 'telegram', -- where the person writes from
    account TEXT,                              -- that platform's id of them; NULL until they write
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('inspector', 'contact', 'admin', 'leader')),
    unit_id INTEGER REFERENCES units(id),
    language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
    active INTEGER NOT NULL DEFAULT 1,
    reachable INTEGER NOT NULL DEFAULT 1,      -- 0 once the platform says the bot is blocked
    created_at TEXT NOT NULL,
    UNIQUE (platform, account)
);
INSERT INTO people_new (id, platform, account, name, role, unit_id, language, active,
    reachable, created_at)
    SELECT id, 'telegram', CAST(tg_user_id AS TEXT), name, role, unit_id, language, active,
        reachable, created_at
    FROM people ORDER BY id;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;
CREATE TABLE inbox_new (
    update_id INTEGER PRIMARY KEY,             -- Duban's number for the update (Telegram's own)
    platform TEXT NOT NULL DEFAULT 'telegram',
    event TEXT NOT NULL,                       -- the platform's id of the update, as text
    raw TEXT NOT NULL,                         -- the update as the platform sent it
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'set_aside')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    processed_at TEXT,
    UNIQUE (platform, event)
);
INSERT INTO inbox_new (update_id, platform, event, raw, received_at, status, attempts,
    last_error, processed_at)
    SELECT update_id, 'telegram', CAST(update_id AS TEXT), raw, received_at, status, attempts,
        last_error, processed_at
    FROM inbox ORDER BY update_id;
DROP TABLE inbox;
ALTER TABLE inbox_new RENAME TO inbox;
CREATE INDEX inbox_pending ON inbox(status, update_id) WHERE status = 'pending';
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    dedup_key TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL DEFAULT 'telegram',
    chat TEXT NOT NULL,                        -- that platform's id of the chat, as text
    method TEXT NOT NULL,                      -- the platform's call: sendMessage, sendPhoto, ...
    payload TEXT NOT NULL,                     -- JSON
    created_at TEXT NOT NULL,
    not_before TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TEXT,
    message_id INTEGER,
    failing_since TEXT
);
INSERT INTO outbox_new (id, dedup_key, platform, chat, method, payload, created_at,
    not_before, status, attempts, last_error, sent_at, message_id, failing_since)
    SELECT id, dedup_key, 'telegram', CAST(chat_id AS TEXT), method, payload, created_at,
        not_before, status, attempts, last_error, sent_at, message_id, failing_since
    FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, not_before) WHERE status = 'pending';
CREATE INDEX outbox_chat ON outbox(platform, chat, id) WHERE status = 'pending'
"""


class ForeignKeysBrokenError(Exception):
    """A table rebuild would leave rows pointing at nothing; the upgrade was undone."""


@migrations(name="0012_platform_ids", transactional=False)
def _platform_ids(db: sqlite_utils.Database) -> None:
    """People, inbox updates and outbox messages name their platform and its id as text, so
    a second chat platform (DingTalk's ids are strings) sits beside Telegram.

    A column's type cannot be changed in place, so the three tables are rebuilt (SQLite's
    own recipe: new table, copy, drop, rename). Dropping ``people`` while foreign keys are
    enforced would refuse, since a dozen tables point at it, and SQLite switches them off
    only outside a transaction: this migration therefore runs its own one, switches the
    checks off around it, runs ``foreign_key_check`` before committing (every reference
    that found its person before must find it still; a database someone broke by hand is
    not refused for what it already was) and switches them back on whatever happens.

    The migration's record is written after that commit (sqlite-utils does so for a
    migration that is not transactional), so a crash in between runs it again on a
    database it already changed: a ``people`` table without ``tg_user_id`` means done
    (and a VACUUM cut short by the crash is only space not yet given back).
    """
    columns = {row["name"] for row in fetch_all(db, "PRAGMA table_info(people)")}
    if "tg_user_id" not in columns:
        return
    if db.conn.in_transaction:
        raise RuntimeError("0012_platform_ids must run outside a transaction")
    enforced = fetch_value(db, "PRAGMA foreign_keys")
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            already = set(db.execute("PRAGMA foreign_key_check").fetchall())
            _execute_all(db, _PLATFORM_TABLES)
            broken = set(db.execute("PRAGMA foreign_key_check").fetchall()) - already
            if broken:
                raise ForeignKeysBrokenError(f"rows would point at nothing: {sorted(broken)[:5]}")
    finally:
        db.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")
    # The old tables' pages are free now: the inbox and the outbox, which keep every update
    # and message ever, would hold the file at twice their size until reused. VACUUM (not
    # possible inside a transaction) gives them back to the disk once, at the upgrade.
    if fetch_value(db, "PRAGMA freelist_count"):
        db.execute("VACUUM")


@migrations(name="0013_manual_level_reason")
def _manual_level_reason(db: sqlite_utils.Database) -> None:
    """Who set an item's level by hand and why, beside the level itself, so the card can say
    "红色（手动，王主任：…）". A level raised before this upgrade keeps its colour, with no
    reason and nobody named (the audit trail still says who raised it)."""
    _execute_all(
        db,
        """
ALTER TABLE items ADD COLUMN manual_level_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN manual_level_by INTEGER REFERENCES people(id)
""",
    )


@migrations(name="0014_leader_units")
def _leader_units(db: sqlite_utils.Database) -> None:
    """分管: the units each leader oversees. A leader with none hears of every red item, as
    before this table existed, so an upgraded database changes nobody's notices."""
    _execute_all(
        db,
        """
CREATE TABLE leader_units (
    person_id INTEGER NOT NULL REFERENCES people(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (person_id, unit_id)
);
CREATE INDEX leader_units_unit ON leader_units(unit_id)
""",
    )


@migrations(name="0015_sweep_schedule")
def _sweep_schedule(db: sqlite_utils.Database) -> None:
    """When the reminder sweep looks at each item next, in a narrow table of its own.

    The dates lived in ``items`` (0004); a heavy day's pass rewrote a couple of thousand
    wide item rows scattered over the table, and the commit wrote every page they sat on.
    Here the same dates take a few bytes a row, so a pass writes a few dozen pages. ''
    still means "at the next pass" (a changed item: the trigger sets it; a new one: the
    ledger writes its row beside it, in bulk, as an import writes its items), NULL
    "nothing left to do"; every item keeps the dates it had.
    """
    _execute_all(
        db,
        """
CREATE TABLE sweep_schedule (
    item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    next_on TEXT DEFAULT '',
    swept_on TEXT
);
INSERT INTO sweep_schedule (item_id, next_on, swept_on)
    SELECT id, next_sweep_on, swept_on FROM items;
CREATE INDEX sweep_schedule_next ON sweep_schedule(next_on) WHERE next_on IS NOT NULL;
DROP TRIGGER items_reschedule;
DROP INDEX items_next_sweep;
ALTER TABLE items DROP COLUMN next_sweep_on;
ALTER TABLE items DROP COLUMN swept_on;
CREATE TRIGGER items_reschedule AFTER UPDATE OF deadline, status, recurring, ongoing, unit_id,
    sheet_level, manual_level, closed_at ON items
WHEN OLD.deadline IS NOT NEW.deadline OR OLD.status IS NOT NEW.status
    OR OLD.recurring IS NOT NEW.recurring OR OLD.ongoing IS NOT NEW.ongoing
    OR OLD.unit_id IS NOT NEW.unit_id OR OLD.sheet_level IS NOT NEW.sheet_level
    OR OLD.manual_level IS NOT NEW.manual_level OR OLD.closed_at IS NOT NEW.closed_at
BEGIN UPDATE sweep_schedule SET next_on = '' WHERE item_id = NEW.id; END
""",
    )


@migrations(name="0016_notices")
def _notices(db: sqlite_utils.Database) -> None:
    """通报 issued from the chat, one row per previewed draft once it is decided: issued,
    with its number in the year's sequence (UNIQUE: a number is never given twice), or
    cancelled, with none. ``draft_job`` (the preview's report job) is UNIQUE, so a draft is
    issued at most once however often its button is tapped. The PDFs are kept by their
    sha256 under MEDIA_DIR/notices/ (``sha256`` and ``path`` the Chinese text, ``*_en``
    its English rendering), so a notice can be sent again after the job's files are swept."""
    _execute_all(
        db,
        """
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    draft_job INTEGER NOT NULL UNIQUE REFERENCES report_jobs(id),
    state TEXT NOT NULL CHECK (state IN ('issued', 'cancelled')),
    year INTEGER,
    number INTEGER,
    doc_number TEXT,
    title TEXT NOT NULL DEFAULT '',
    doc_number_en TEXT NOT NULL DEFAULT '',
    title_en TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL DEFAULT '{}',
    period_start TEXT,
    period_end TEXT,
    person_id INTEGER NOT NULL REFERENCES people(id),
    at TEXT NOT NULL,
    sha256 TEXT,
    sha256_en TEXT,
    path TEXT,
    path_en TEXT,
    recipients INTEGER NOT NULL DEFAULT 0,
    UNIQUE (year, number),
    CHECK (state = 'cancelled' OR (year IS NOT NULL AND number IS NOT NULL
        AND doc_number IS NOT NULL AND sha256 IS NOT NULL))
)
""",
    )


@migrations(name="0017_dingtalk_inbox")
def _dingtalk_inbox(db: sqlite_utils.Database) -> None:
    """DingTalk's robot messages and card taps go into the ``inbox`` as they are (its
    ``platform`` and ``event`` columns, UNIQUE together since 0012, store a push DingTalk
    repeats once, keyed by its messageId). What DingTalk adds is each person's reply
    address: the sessionWebhook of their latest robot message, usable until it expires,
    kept here so a reply can go through it instead of the rate-limited one-to-one push."""
    _execute_all(
        db,
        """
CREATE TABLE dingtalk_sessions (
    staff_id TEXT PRIMARY KEY,
    webhook TEXT NOT NULL,
    expires_at TEXT NOT NULL                   -- ISO time, UTC
)
""",
    )


@migrations(name="0018_sweep_days")
def _sweep_days(db: sqlite_utils.Database) -> None:
    """The sweep's dates as day numbers (days since 1970-01-01) instead of ISO text: two or
    three bytes a date instead of ten. A heavy day's pass rewrites a row on nearly every
    page of ``sweep_schedule``, so a narrower table is fewer pages to write and commit
    (485 → 301 pages for 100 000 items). 0 takes the place of '' ("at the next pass"),
    NULL still means "nothing left to do"; every item keeps its dates."""
    _execute_all(
        db,
        """
DROP TRIGGER items_reschedule;
CREATE TABLE sweep_days (
    item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    next_on INTEGER DEFAULT 0,
    swept_on INTEGER
);
INSERT INTO sweep_days (item_id, next_on, swept_on)
    SELECT item_id,
           CASE WHEN next_on = '' THEN 0
                ELSE CAST(julianday(next_on) - julianday('1970-01-01') AS INTEGER) END,
           CAST(julianday(swept_on) - julianday('1970-01-01') AS INTEGER)
      FROM sweep_schedule;
DROP TABLE sweep_schedule;
ALTER TABLE sweep_days RENAME TO sweep_schedule;
CREATE INDEX sweep_schedule_next ON sweep_schedule(next_on) WHERE next_on IS NOT NULL;
CREATE TRIGGER items_reschedule AFTER UPDATE OF deadline, status, recurring, ongoing, unit_id,
    sheet_level, manual_level, closed_at ON items
WHEN OLD.deadline IS NOT NEW.deadline OR OLD.status IS NOT NEW.status
    OR OLD.recurring IS NOT NEW.recurring OR OLD.ongoing IS NOT NEW.ongoing
    OR OLD.unit_id IS NOT NEW.unit_id OR OLD.sheet_level IS NOT NEW.sheet_level
    OR OLD.manual_level IS NOT NEW.manual_level OR OLD.closed_at IS NOT NEW.closed_at
BEGIN UPDATE sweep_schedule SET next_on = 0 WHERE item_id = NEW.id; END
""",
    )


@migrations(name="0021_arrival_confirmed")
def _arrival_confirmed(db: sqlite_utils.Database) -> None:
    """When an inspector whose platform sends no location (DingTalk) confirmed arriving at
    the company: the visit's proof of presence there, beside the photos' times."""
    db.execute("ALTER TABLE visits ADD COLUMN confirmed_at TEXT")


@migrations(name="0022_person_accounts")
def _person_accounts(db: sqlite_utils.Database) -> None:
    """Every account a person writes from, on any platform: one person may be reached on
    Telegram and on DingTalk. ``people.platform``/``account`` stay the address the bot
    writes to (the account they last wrote from, storage/people.py ``wrote_from``); this
    table is who an incoming account is. Each person's current account is copied in, and
    two triggers keep it complete whoever writes ``people`` (an invitation, ADMIN_IDS, the
    demo, a test), an account moving to the person whose row now holds it. A link
    invitation (``invitations.links_person``) names the person whose second account the
    one who redeems it becomes."""
    _execute_all(
        db,
        """
CREATE TABLE person_accounts (
    platform TEXT NOT NULL,
    account TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (platform, account)
);
CREATE INDEX person_accounts_person ON person_accounts(person_id);
INSERT INTO person_accounts (platform, account, person_id, linked_at)
    SELECT platform, account, id, created_at FROM people WHERE account IS NOT NULL;
ALTER TABLE invitations ADD COLUMN links_person INTEGER REFERENCES people(id)
""",
    )
    # A trigger's body holds statements of its own, so each is run whole, not split.
    for name, event in (
        ("people_account_added", "INSERT"),
        ("people_account_moved", "UPDATE OF platform, account"),
    ):
        db.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON people WHEN NEW.account IS NOT NULL "
            "BEGIN "
            "DELETE FROM person_accounts WHERE platform = NEW.platform "
            "AND account = NEW.account AND person_id != NEW.id; "
            "INSERT OR IGNORE INTO person_accounts (platform, account, person_id, linked_at) "
            "VALUES (NEW.platform, NEW.account, NEW.id, NEW.created_at); "
            "END"
        )


@migrations(name="0023_report_job_platform")
def _report_job_platform(db: sqlite_utils.Database) -> None:
    """A report job names the chat it answers to as the outbox does: ``platform`` and
    ``chat`` (that platform's id of the chat, as text), instead of an INTEGER ``chat_id``
    that held a Telegram chat's number, or "dingtalk:<staff id>" text SQLite kept as text.

    Every row is moved: a number is a Telegram chat, a text is "platform:id" split at its
    first colon (a staff id of digits keeps its leading zeros: it was never a number).
    ALTER TABLE cannot add a NOT NULL column without a default, so ``chat`` may be NULL in
    the schema, yet no row has it NULL: each is filled here, and storage/report_jobs.py
    ``create`` always writes it. The old column is dropped in the same transaction, so no
    code can read the old form again."""
    _execute_all(
        db,
        """
ALTER TABLE report_jobs ADD COLUMN platform TEXT NOT NULL DEFAULT 'telegram';
ALTER TABLE report_jobs ADD COLUMN chat TEXT;
UPDATE report_jobs SET
    platform = CASE WHEN typeof(chat_id) = 'text' AND instr(chat_id, ':') > 0
        THEN substr(chat_id, 1, instr(chat_id, ':') - 1) ELSE 'telegram' END,
    chat = CASE WHEN typeof(chat_id) = 'text' AND instr(chat_id, ':') > 0
        THEN substr(chat_id, instr(chat_id, ':') + 1) ELSE CAST(chat_id AS TEXT) END;
ALTER TABLE report_jobs DROP COLUMN chat_id
""",
    )


@migrations(name="0024_evidence_platform")
def _evidence_platform(db: sqlite_utils.Database) -> None:
    """Each evidence row names the platform its file came from: only that platform's
    download job can fetch its ``file_id`` (a DingTalk downloadCode means nothing to
    Telegram's getFile). Until now the platform was read from the sender's
    ``people.platform``, the platform they LAST wrote from, so a DingTalk photo whose sender
    wrote on Telegram before it was fetched went to Telegram's job and waited forever.

    Existing rows are filled with the best that is known: the platform of the inbox update
    that brought the file (inbox rows are kept, only their raw JSON is emptied), else the
    sender's platform now, else Telegram (the only platform before DingTalk)."""
    _execute_all(
        db,
        """
ALTER TABLE evidence ADD COLUMN platform TEXT NOT NULL DEFAULT 'telegram';
UPDATE evidence SET platform = coalesce(
    (SELECT i.platform FROM inbox AS i WHERE i.update_id = evidence.update_id),
    (SELECT p.platform FROM people AS p WHERE p.id = evidence.person_id),
    'telegram')
""",
    )


@migrations(name="0025_visit_platform")
def _visit_platform(db: sqlite_utils.Database) -> None:
    """Each visit names the platform it was started from: whether that platform could send
    a location decides how its presence reads (位置：钉钉未提供 · 确认到场 on DingTalk, whose
    robots receive none; 未发送位置 or 位置不符 where one could have been sent). Until now
    that was read from the starter's ``people.platform``, the platform they LAST wrote
    from, so a DingTalk visit whose inspector later wrote on Telegram read as a Telegram
    visit that never sent a location, and the reverse.

    Existing rows are filled with the best that is known: the platform of the inbox update
    behind the visit's ``started`` audit event (inbox rows are kept, only their raw JSON is
    emptied), else the starter's platform now, else Telegram (the only platform before
    DingTalk). The audit trail is read once into a keyed temporary table, so the backfill
    does not scan it once per visit."""
    _execute_all(
        db,
        """
ALTER TABLE visits ADD COLUMN platform TEXT NOT NULL DEFAULT 'telegram';
CREATE TEMP TABLE visit_started_on (visit_id INTEGER PRIMARY KEY, platform TEXT NOT NULL);
INSERT OR IGNORE INTO visit_started_on (visit_id, platform)
    SELECT a.entity_id, i.platform FROM audit_events AS a
    JOIN inbox AS i ON i.update_id = a.update_id
    WHERE a.entity = 'visit' AND a.action = 'started' AND a.entity_id IS NOT NULL
    ORDER BY a.id;
UPDATE visits SET platform = coalesce(
    (SELECT s.platform FROM visit_started_on AS s WHERE s.visit_id = visits.id),
    (SELECT p.platform FROM people AS p WHERE p.id = visits.started_by),
    'telegram');
DROP TABLE temp.visit_started_on
""",
    )


def unknown_migrations(db: sqlite_utils.Database) -> list[str]:
    """Names recorded in the database that this code does not register."""
    known = {m.name for m in migrations._migrations}
    return [m.name for m in migrations.applied(db) if m.name not in known]


def upgrade(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations; return their names. Refuse a newer database."""
    unknown = unknown_migrations(db)
    if unknown:
        raise SchemaTooNewError(
            f"this database was written by a newer version of Duban (it has migrations "
            f"{', '.join(unknown)} that this version does not know); upgrade Duban or "
            f"restore a backup made by this version"
        )
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending
