"""Fill ``member_streaks`` and ``group_day_counts`` from the check-ins already stored.

Used by migration ``0006_streaks`` and by bulk loads that bypass ``add_checkin`` (the
benchmarks). Plain table definitions, not the ORM models, so the migration keeps working
as the models change.

Counts are exact. A member's run needs their absences as plan days, which depend on the
group's schedule and track (content files the database does not hold): members without an
absence get their exact summary (every skipped plan day breaks the run); members with one
are marked stale (``last_day`` -1) and the core rebuilds them from their check-ins with
the calendar the first time the leaderboard reads them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from bot.core.streaks import summarize

checkins = sa.table("checkins", sa.column("group_id"), sa.column("user_id"),
                    sa.column("plan_day"))
away = sa.table("member_away", sa.column("group_id"), sa.column("user_id"))
streaks = sa.table("member_streaks", sa.column("group_id"), sa.column("user_id"),
                   sa.column("last_day"), sa.column("run"), sa.column("best"))
counts = sa.table("group_day_counts", sa.column("group_id"), sa.column("plan_day"),
                  sa.column("checkins"))


def backfill_streaks(conn: Connection, group_id: int | None = None) -> None:
    """Replace the summaries of ``group_id`` (every group if None) from its check-ins."""
    def scoped(table: sa.TableClause) -> sa.ColumnElement[bool]:
        return sa.true() if group_id is None else table.c.group_id == group_id

    conn.execute(sa.delete(streaks).where(scoped(streaks)))
    conn.execute(sa.delete(counts).where(scoped(counts)))
    conn.execute(sa.insert(counts).from_select(
        ["group_id", "plan_day", "checkins"],
        sa.select(checkins.c.group_id, checkins.c.plan_day, sa.func.count())
        .where(scoped(checkins)).group_by(checkins.c.group_id, checkins.c.plan_day)))
    with_away = {(g, u) for g, u in conn.execute(
        sa.select(away.c.group_id, away.c.user_id).where(scoped(away)).distinct())}
    days: dict[tuple[int, str], set[int]] = {}
    for g, u, d in conn.execute(sa.select(checkins.c.group_id, checkins.c.user_id,
                                          checkins.c.plan_day).where(scoped(checkins))):
        days.setdefault((g, u), set()).add(d)
    rows = []
    for (g, u), checked in days.items():
        if (g, u) in with_away:
            rows.append(dict(group_id=g, user_id=u, last_day=-1, run=0, best=0))
        else:
            s = summarize(checked, ())
            rows.append(dict(group_id=g, user_id=u, last_day=s.last_day, run=s.run,
                             best=s.best))
    for k in range(0, len(rows), 5_000):
        conn.execute(sa.insert(streaks), rows[k:k + 5_000])
