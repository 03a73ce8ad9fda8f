"""A database as Duban left it before invitation codes were hashed (migration 0007)."""

from __future__ import annotations

import json
from pathlib import Path

from storage.db import connect
from storage.migrations import migrations

BEFORE_HASHES = "0007_invitation_hashes"
LIVE, USED, REVOKED = "LiveCode-AAAAAAA", "UsedCode-BBBBBBB", "Revoked-CCCCCCCC"
CREATED, FAR = "2024-06-01T00:00:00+00:00", "2099-01-01T00:00:00+00:00"


def old_database(path: Path, admin_tg_id: int, *, traces: bool) -> None:
    """Invitations stored with plain codes: one live, one used, one revoked.

    With ``traces`` the codes also sit where the old version left them: the revoke button
    of the live one, the finished ``/start`` update of the used one, the sent message that
    carried the live link and the audit event of the revocation.
    """
    db = connect(path)
    try:
        migrations.apply(db, stop_before=BEFORE_HASHES)
        db.execute(
            "INSERT INTO people (id, tg_user_id, name, role, created_at) "
            "VALUES (1, ?, '办公室管理员', 'admin', ?)",
            [admin_tg_id, CREATED],
        )
        for code, used_at, revoked_at, name in (
            (LIVE, None, None, "王督查"),
            (USED, CREATED, None, "李代表"),
            (REVOKED, None, CREATED, "陈主任"),
        ):
            db.execute(
                "INSERT INTO invitations (code, role, name, created_by, created_at, expires_at, "
                "used_by, used_at, revoked_at) VALUES (?, 'inspector', ?, ?, ?, ?, ?, ?, ?)",
                [code, name, str(admin_tg_id), CREATED, FAR, 1 if used_at else None, used_at,
                 revoked_at],
            )  # fmt: skip
        if traces:
            _traces(db)
    finally:
        db.close()


def _traces(db) -> None:
    db.execute(
        "INSERT INTO buttons (token, person_id, action, payload, created_at, expires_at) "
        "VALUES ('tok1', 1, 'invite.revoke', ?, ?, ?)",
        [json.dumps({"code": LIVE}), CREATED, FAR],
    )
    db.execute(
        "INSERT INTO inbox (update_id, raw, received_at, status) VALUES (1, ?, ?, 'done')",
        [json.dumps({"update_id": 1, "message": {"text": f"/start {USED}"}}), CREATED],
    )
    db.execute(
        "INSERT INTO outbox (dedup_key, chat_id, method, payload, created_at, not_before, "
        "status, message_id) VALUES ('u7:1', 9000, 'sendMessage', ?, ?, ?, 'sent', 77)",
        [json.dumps({"chat_id": 9000, "text": f"https://t.me/bot?start={LIVE}"}), CREATED,
         CREATED],
    )  # fmt: skip
    db.execute(
        "INSERT INTO audit_events (entity, action, actor_kind, actor, at, after) "
        "VALUES ('invitation', 'revoked', 'user', '9000', ?, ?)",
        [CREATED, json.dumps({"code": REVOKED})],
    )
