"""Merges each feature's messages into one catalogue and refuses duplicate keys."""

from __future__ import annotations

from bot.i18n import (
    messages_admin,
    messages_alerts,
    messages_backups,
    messages_card_progress,
    messages_cards,
    messages_cards_after,
    messages_charts,
    messages_common,
    messages_cv_follow,
    messages_cv_people,
    messages_cv_visits,
    messages_delivery,
    messages_dingtalk_out,
    messages_dingtalk_stories,
    messages_dossier,
    messages_faults,
    messages_health,
    messages_history,
    messages_invites,
    messages_language,
    messages_leader,
    messages_letterhead,
    messages_notice,
    messages_parity,
    messages_people_links,
    messages_people_platforms,
    messages_periods,
    messages_presence,
    messages_reminders,
    messages_report_units,
    messages_reports,
    messages_retention,
    messages_runtime,
    messages_samples,
    messages_stale,
    messages_state,
    messages_tamper,
    messages_verify,
    messages_visits,
    messages_webhook,
    messages_weekly,
    messages_words,
    messages_workbooks,
)

_SECTIONS = (
    messages_common.MESSAGES,
    messages_admin.MESSAGES,
    messages_visits.MESSAGES,
    messages_reminders.MESSAGES,
    messages_reports.MESSAGES,
    messages_charts.MESSAGES,
    messages_report_units.MESSAGES,
    messages_runtime.MESSAGES,
    messages_card_progress.MESSAGES,
    messages_weekly.MESSAGES,
    messages_letterhead.MESSAGES,
    messages_notice.MESSAGES,
    messages_verify.MESSAGES,
    messages_invites.MESSAGES,
    messages_presence.MESSAGES,
    messages_tamper.MESSAGES,
    messages_faults.MESSAGES,
    messages_delivery.MESSAGES,
    messages_history.MESSAGES,
    messages_stale.MESSAGES,
    messages_parity.MESSAGES,
    messages_people_platforms.MESSAGES,
    messages_people_links.MESSAGES,
    messages_cards.MESSAGES,
    messages_periods.MESSAGES,
    messages_leader.MESSAGES,
    messages_state.MESSAGES,
    messages_language.MESSAGES,
    messages_samples.MESSAGES,
    messages_words.MESSAGES,
    messages_dossier.MESSAGES,
    messages_workbooks.MESSAGES,
    messages_webhook.MESSAGES,
    messages_dingtalk_out.MESSAGES,
    messages_retention.MESSAGES,
    messages_backups.MESSAGES,
    messages_health.MESSAGES,
    messages_dingtalk_stories.MESSAGES,
    messages_alerts.MESSAGES,
    messages_cv_people.MESSAGES,
    messages_cards_after.MESSAGES,
    messages_cv_follow.MESSAGES,
    messages_cv_visits.MESSAGES,
)


def _merge() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for section in _SECTIONS:
        for key, (zh, en) in section.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} is defined twice")
            merged[key] = {"zh": zh, "en": en}
    return merged


CATALOGUE = _merge()
