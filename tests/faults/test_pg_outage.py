"""PostgreSQL goes away mid-run: commands during the outage get a clear "try again", the
bot reconnects by itself (pool_pre_ping), and no acknowledged check-in is lost."""

from __future__ import annotations

from datetime import timedelta

import psycopg
from fault_helpers import settings_for

from bot.app import build_app
from bot.core.types import CommandRequest, GroupRef, Member

GROUP = GroupRef("test", "T1", "C1")


def _admin(url: str) -> tuple[psycopg.Connection, str]:
    admin_url, name = url.rsplit("/", 1)
    return psycopg.connect(f"{admin_url}/postgres", autocommit=True), name


def _kill_connections(admin: psycopg.Connection, name: str) -> int:
    rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
    return len(rows)


def test_connection_drop_outage_and_recovery(fresh_pg_url, tmp_path, clock, content):
    app = build_app(settings_for(tmp_path, fresh_pg_url), clock=clock, content=content)
    admin, name = _admin(fresh_pg_url)

    def done(user: str) -> str:
        return "\n".join(r.text for r in app.bot.handle(
            CommandRequest(GROUP, Member(user, user.title()), "done", "")))

    try:
        app.bot.handle(CommandRequest(GROUP, Member("boss", "Boss", True), "studybot",
                                      "setup weekdays UTC 10:00"))
        clock.advance(timedelta(hours=2))
        acked = set()
        for user in ("ann", "bob"):
            assert "checked in for Day 1" in done(user)
            acked.add(user)

        # 1. Connections dropped under the app: the next command just works (pre-ping).
        assert _kill_connections(admin, name) >= 1
        assert "checked in for Day 1" in done("cat")
        acked.add("cat")

        # 2. An outage: no new connections allowed, existing ones killed.
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        _kill_connections(admin, name)
        failed = []
        for user in ("dan", "eve"):
            text = done(user)
            assert "try again" in text.lower() and "nothing was saved" in text, text
            failed.append(user)
        plan = "\n".join(r.text for r in app.bot.handle(
            CommandRequest(GROUP, Member("ann", "Ann"), "plan", "")))
        assert "try again" in plan.lower()

        # 3. The database comes back: the same commands succeed, nothing acked was lost.
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        for user in failed:
            assert "checked in for Day 1" in done(user)
            acked.add(user)
        state = app.store.get_group(GROUP)
        stored = {u for u, _ in app.store.all_checkins(state.id)}
        assert stored == acked == {"ann", "bob", "cat", "dan", "eve"}
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
        app.close()
