"""The foundation's repository: groups, members, check-ins, deliveries and threads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal_column,
    select,
    text,
    update,
)

from bot.core.ports import Away, Checkin, GroupState, MemberState, Pause
from bot.core.streaks import RunSummary
from bot.core.types import GroupRef
from bot.storage.db import Database
from bot.storage.models import (
    AwayRow,
    CheckinRow,
    DeliveryRow,
    GroupDayCountRow,
    GroupRow,
    MemberRow,
    MemberStreakRow,
    PauseRow,
    ThreadRow,
)
from bot.storage.sql_insert import insert_ignore
from bot.storage.types import UTCDateTime

# A check-in and the summaries it changes. The member's summary row is upserted with the
# new run computed in SQL from the row as it stands under its lock, so concurrent check-ins
# cannot lose an update: the run goes on if the previous check-in is on or after :rf (every
# plan day in between was an away day, see ``bot.core.streaks.run_from``). A check-in that
# is not later than the summary's last day (only possible if a pause moved the calendar
# back) marks the summary stale (-1): the core rebuilds it from the check-ins.
_STREAK_UPSERT = """
INSERT INTO member_streaks AS m (group_id, user_id, last_day, run, best)
{source}
ON CONFLICT (group_id, user_id) DO UPDATE SET
  last_day = CASE WHEN m.last_day >= 0 AND m.last_day < :d THEN :d ELSE -1 END,
  run = CASE WHEN m.last_day < 0 OR m.last_day >= :d THEN 0
             WHEN m.last_day >= :rf THEN m.run + 1 ELSE 1 END,
  best = CASE WHEN m.last_day < 0 OR m.last_day >= :d THEN 0
              WHEN m.last_day >= :rf THEN {greatest}(m.best, m.run + 1)
              ELSE {greatest}(m.best, 1) END
"""
_COUNT_UPSERT = """
INSERT INTO group_day_counts AS c (group_id, plan_day, checkins)
{source}
ON CONFLICT (group_id, plan_day) DO UPDATE SET checkins = c.checkins + 1
"""
_INSERT_CHECKIN = """
INSERT INTO checkins (group_id, user_id, plan_day, at, note)
VALUES (:g, :u, :d, :at, :note) ON CONFLICT DO NOTHING RETURNING plan_day
"""
# PostgreSQL: all three in one statement (one round trip); the counter, the only row
# shared by concurrent check-ins, is locked last.
_STREAK_PG = _STREAK_UPSERT.format(source="SELECT :g, :u, :d, 1, 1 FROM ins",
                                   greatest="GREATEST")
_COUNT_PG = _COUNT_UPSERT.format(source="SELECT :g, plan_day, 1 FROM ins")
_CHECKIN_PG = text(
    f"WITH ins AS ({_INSERT_CHECKIN}), ms AS ({_STREAK_PG}), cnt AS ({_COUNT_PG}) "
    "SELECT count(*) FROM ins"
).bindparams(bindparam("at", type_=UTCDateTime()))
# SQLite has no data-modifying CTEs: three statements in one (serialised) transaction.
_CHECKIN_SQLITE = (
    text(_INSERT_CHECKIN).bindparams(bindparam("at", type_=UTCDateTime())),
    text(_STREAK_UPSERT.format(source="VALUES (:g, :u, :d, 1, 1)", greatest="max")),
    text(_COUNT_UPSERT.format(source="VALUES (:g, :d, 1)")),
)


class GroupRepo:
    """Implements the core's GroupStore, CheckinStore, DeliveryStore and ThreadStore."""

    db: Database

    # groups -------------------------------------------------------------------------

    def _state(self, row: GroupRow, pauses: list[PauseRow]) -> GroupState:
        hh, mm = row.daily_time.split(":")
        return GroupState(
            id=row.id,
            ref=GroupRef(row.platform, row.workspace, row.channel),
            track_id=row.track_id,
            schedule_id=row.schedule_id,
            timezone=row.timezone,
            daily_time=time(int(hh), int(mm)),
            start_date=row.start_date,
            quorum=row.quorum,
            pauses=tuple(Pause(p.start_date, p.end_date) for p in pauses),
        )

    def _load(self, where: object) -> GroupState | None:
        with self.db.session() as s:
            row = s.scalars(select(GroupRow).where(where)).first()  # type: ignore[arg-type]
            if row is None:
                return None
            pauses = list(s.scalars(select(PauseRow).where(PauseRow.group_id == row.id)
                                    .order_by(PauseRow.start_date)))
            return self._state(row, pauses)

    def get_group(self, ref: GroupRef) -> GroupState | None:
        """The group in ``ref``'s channel."""
        return self._load(
            (GroupRow.platform == ref.platform) & (GroupRow.workspace == ref.workspace)
            & (GroupRow.channel == ref.channel)
        )

    def get_group_by_id(self, group_id: int) -> GroupState | None:
        """The group with id ``group_id``."""
        return self._load(GroupRow.id == group_id)

    def list_groups(self) -> list[GroupState]:
        """Every group, by id."""
        with self.db.session() as s:
            rows = list(s.scalars(select(GroupRow).order_by(GroupRow.id)))
            pauses: dict[int, list[PauseRow]] = {}
            for p in s.scalars(select(PauseRow).order_by(PauseRow.start_date)):
                pauses.setdefault(p.group_id, []).append(p)
            return [self._state(r, pauses.get(r.id, [])) for r in rows]

    def save_group(self, ref: GroupRef, *, track_id: str, schedule_id: str, timezone: str,
                   daily_time: time, start_date: date, quorum: float) -> GroupState:
        """Create the group in ``ref``'s channel, or update its settings."""
        values = dict(track_id=track_id, schedule_id=schedule_id, timezone=timezone,
                      daily_time=f"{daily_time:%H:%M}", start_date=start_date, quorum=quorum)
        with self.db.session() as s:
            inserted = insert_ignore(s, GroupRow, platform=ref.platform, workspace=ref.workspace,
                                     channel=ref.channel, created_at=datetime.now().astimezone(),
                                     **values)
            if not inserted:
                s.execute(update(GroupRow).where(
                    (GroupRow.platform == ref.platform) & (GroupRow.workspace == ref.workspace)
                    & (GroupRow.channel == ref.channel)).values(**values))
        state = self.get_group(ref)
        assert state is not None
        return state

    def start_pause(self, group_id: int, start: date) -> None:
        """Open a pause (no-op if one is open)."""
        with self.db.session() as s:
            open_ = s.scalars(select(PauseRow).where(
                (PauseRow.group_id == group_id) & PauseRow.end_date.is_(None))).first()
            if open_ is None:
                s.add(PauseRow(group_id=group_id, start_date=start, end_date=None))

    def end_pause(self, group_id: int, end: date) -> None:
        """Close the open pause; a pause that never took effect is dropped."""
        with self.db.session() as s:
            for p in s.scalars(select(PauseRow).where(
                    (PauseRow.group_id == group_id) & PauseRow.end_date.is_(None))):
                if end <= p.start_date:
                    s.delete(p)
                else:
                    p.end_date = end

    # members ------------------------------------------------------------------------

    @staticmethod
    def _member(row: MemberRow) -> MemberState:
        return MemberState(row.group_id, row.user_id, row.display_name, row.joined_on,
                           row.timezone)

    def ensure_member(self, group_id: int, user_id: str, display_name: str,
                      joined_on: date) -> MemberState:
        """The member, created on first contact; the display name follows the platform."""
        name = display_name[:80] or user_id
        with self.db.session() as s:
            insert_ignore(s, MemberRow, group_id=group_id, user_id=user_id, display_name=name,
                          joined_on=joined_on)
            row = s.scalars(select(MemberRow).where(
                (MemberRow.group_id == group_id) & (MemberRow.user_id == user_id))).one()
            if row.display_name != name:
                row.display_name = name
            return self._member(row)

    def get_member(self, group_id: int, user_id: str) -> MemberState | None:
        """One member, if known."""
        with self.db.session() as s:
            row = s.scalars(select(MemberRow).where(
                (MemberRow.group_id == group_id) & (MemberRow.user_id == user_id))).first()
            return self._member(row) if row else None

    def list_members(self, group_id: int) -> list[MemberState]:
        """Every member of the group (plain columns: no ORM objects on this hot path)."""
        with self.db.session() as s:
            rows = s.execute(select(MemberRow.group_id, MemberRow.user_id,
                                    MemberRow.display_name, MemberRow.joined_on,
                                    MemberRow.timezone)
                             .where(MemberRow.group_id == group_id).order_by(MemberRow.id))
            return [MemberState(*r) for r in rows]

    def set_member_timezone(self, group_id: int, user_id: str, timezone: str) -> None:
        """Set a member's own time zone."""
        with self.db.session() as s:
            s.execute(update(MemberRow).where(
                (MemberRow.group_id == group_id) & (MemberRow.user_id == user_id))
                .values(timezone=timezone))

    def add_away(self, group_id: int, user_id: str, start: date, end: date) -> None:
        """Record an absence; it replaces any absence still running from ``start`` on."""
        with self.db.session() as s:
            for row in s.scalars(select(AwayRow).where(
                    (AwayRow.group_id == group_id) & (AwayRow.user_id == user_id)
                    & (AwayRow.end_date >= start))):
                if row.start_date >= start:
                    s.delete(row)
                else:
                    row.end_date = start.fromordinal(start.toordinal() - 1)
            if end >= start:
                s.add(AwayRow(group_id=group_id, user_id=user_id, start_date=start,
                              end_date=end))

    def list_away(self, group_id: int) -> list[Away]:
        """Every absence in the group."""
        with self.db.session() as s:
            rows = s.scalars(select(AwayRow).where(AwayRow.group_id == group_id))
            return [Away(r.user_id, r.start_date, r.end_date) for r in rows]

    def forget_member(self, group_id: int, user_id: str) -> int:
        """Delete a member and their check-ins and absences; return rows removed."""
        removed = 0
        with self.db.session() as s:
            days = select(CheckinRow.plan_day).where(
                (CheckinRow.group_id == group_id) & (CheckinRow.user_id == user_id))
            s.execute(update(GroupDayCountRow).where(
                (GroupDayCountRow.group_id == group_id) & GroupDayCountRow.plan_day.in_(days))
                .values(checkins=GroupDayCountRow.checkins - 1))
            s.execute(delete(MemberStreakRow).where(
                (MemberStreakRow.group_id == group_id) & (MemberStreakRow.user_id == user_id)))
            for model in (CheckinRow, AwayRow, MemberRow):
                result = s.execute(delete(model).where(
                    (model.group_id == group_id) & (model.user_id == user_id)))
                removed += result.rowcount or 0
        return removed

    # check-ins ----------------------------------------------------------------------

    def add_checkin(self, group_id: int, user_id: str, plan_day: int, at: datetime,
                    note: str | None, run_from: int | None = None) -> bool:
        """Record a check-in; False if that member already checked in for that day.

        In the same transaction, when the row is new, the member's streak summary and the
        day's check-in count are updated. ``run_from`` is the latest plan day before
        ``plan_day`` on which the member was not away (``bot.core.streaks.run_from``);
        None means ``plan_day - 1`` (no absence just before).
        """
        params = dict(g=group_id, u=user_id, d=plan_day, at=at, note=note,
                      rf=plan_day - 1 if run_from is None else run_from)
        with self.db.transaction() as conn:  # the hot path: plain SQL, no ORM session
            if conn.dialect.name == "postgresql":
                return bool(conn.execute(_CHECKIN_PG, params).scalar())
            if conn.execute(_CHECKIN_SQLITE[0], params).first() is None:
                return False
            conn.execute(_CHECKIN_SQLITE[1], params)
            conn.execute(_CHECKIN_SQLITE[2], params)
            return True

    def member_checkins(self, group_id: int, user_id: str) -> list[Checkin]:
        """A member's check-ins, by plan day."""
        with self.db.session() as s:
            rows = s.execute(select(CheckinRow.user_id, CheckinRow.plan_day, CheckinRow.at,
                                    CheckinRow.note).where(
                (CheckinRow.group_id == group_id) & (CheckinRow.user_id == user_id))
                .order_by(CheckinRow.plan_day))
            return [Checkin(*r) for r in rows]

    def all_checkins(self, group_id: int) -> list[tuple[str, int]]:
        """Every (user, plan day) check-in of the group."""
        with self.db.session() as s:
            rows = s.execute(select(CheckinRow.user_id, CheckinRow.plan_day)
                             .where(CheckinRow.group_id == group_id))
            return [(u, d) for u, d in rows]

    def checkin_days_by_member(self, group_id: int) -> dict[str, set[int]]:
        """Every member's check-in plan days: one grouped query, one row per member."""
        if self.db.dialect == "postgresql":
            days = func.string_agg(cast(CheckinRow.plan_day, String), ",")
        else:
            days = func.group_concat(CheckinRow.plan_day, ",")
        with self.db.session() as s:
            rows = s.execute(select(CheckinRow.user_id, days)
                             .where(CheckinRow.group_id == group_id)
                             .group_by(CheckinRow.user_id))
            return {u: set(map(int, text.split(","))) for u, text in rows if text}

    def checkin_counts(self, group_id: int) -> dict[int, int]:
        """How many members checked in on each plan day (the kept per-day counters)."""
        with self.db.session() as s:
            rows = s.execute(select(GroupDayCountRow.plan_day, GroupDayCountRow.checkins)
                             .where((GroupDayCountRow.group_id == group_id)
                                    & (GroupDayCountRow.checkins > 0)))
            return {d: n for d, n in rows}

    def streak_summaries(self, group_id: int) -> dict[str, RunSummary]:
        """Every member's streak summary (members who never checked in have none)."""
        with self.db.session() as s:
            rows = s.execute(select(MemberStreakRow.user_id, MemberStreakRow.last_day,
                                    MemberStreakRow.run, MemberStreakRow.best)
                             .where(MemberStreakRow.group_id == group_id))
            return {u: RunSummary(d, r, b) for u, d, r, b in rows}

    def rebuild_streak(self, group_id: int, user_id: str,
                       compute: Callable[[set[int]], RunSummary]) -> RunSummary:
        """Recompute one member's summary from their check-ins with ``compute``; store it.

        The summary row is taken (locked on PostgreSQL; SQLite has one writer) before the
        check-ins are read, so a concurrent check-in is either seen here or applied after.
        """
        where = (MemberStreakRow.group_id == group_id) & (MemberStreakRow.user_id == user_id)
        with self.db.session() as s:
            insert_ignore(s, MemberStreakRow, group_id=group_id, user_id=user_id,
                          last_day=-1, run=0, best=0)
            s.execute(select(MemberStreakRow.id).where(where).with_for_update())
            days = set(s.scalars(select(CheckinRow.plan_day).where(
                (CheckinRow.group_id == group_id) & (CheckinRow.user_id == user_id))))
            summary = compute(days)
            s.execute(update(MemberStreakRow).where(where).values(
                last_day=summary.last_day, run=summary.run, best=summary.best))
            return summary

    def checkin_tallies(self, group_id: int,
                        spans: Sequence[tuple[int, int]]) -> dict[str, tuple[int, ...]]:
        """Each member's number of check-ins in each ``[first, last]`` plan-day span."""
        spans = [(a, b) for a, b in spans]
        live = [(a, b) for a, b in spans if a <= b]
        if not live:
            return {}
        # SQLite would rather walk the (group, user, day) key in user order than pick the
        # few days through the day index: name the index there.
        table = (text("checkins INDEXED BY ix_checkins_group_day")
                 if self.db.dialect == "sqlite" else CheckinRow.__table__)
        day, user = literal_column("plan_day"), literal_column("user_id")
        sums = [func.sum(case((day.between(a, b), 1), else_=0)).cast(Integer)
                for a, b in spans]
        with self.db.session() as s:
            rows = s.execute(select(user, *sums).select_from(table)  # type: ignore[arg-type]
                             .where((literal_column("group_id") == group_id)
                                    & day.between(min(a for a, _ in live),
                                                  max(b for _, b in live)))
                             .group_by(user))
            return {u: tuple(int(n or 0) for n in ns) for u, *ns in rows}

    # deliveries and threads ----------------------------------------------------------

    def claim_delivery(self, key: str, at: datetime) -> bool:
        """True the first time ``key`` is seen; False for a redelivery."""
        with self.db.session() as s:
            return insert_ignore(s, DeliveryRow, key=key[:200], seen_at=at)

    def bind_thread(self, group_id: int, key: str, platform_ref: str) -> None:
        """Bind ``key`` to a platform thread (first binding wins)."""
        with self.db.session() as s:
            insert_ignore(s, ThreadRow, group_id=group_id, key=key, platform_ref=platform_ref)

    def thread_ref(self, group_id: int, key: str) -> str | None:
        """The platform thread bound to ``key``."""
        with self.db.session() as s:
            return s.scalars(select(ThreadRow.platform_ref).where(
                (ThreadRow.group_id == group_id) & (ThreadRow.key == key))).first()

    def thread_key(self, group_id: int, platform_ref: str) -> str | None:
        """The core key of a platform thread."""
        with self.db.session() as s:
            return s.scalars(select(ThreadRow.key).where(
                (ThreadRow.group_id == group_id) & (ThreadRow.platform_ref == platform_ref))
            ).first()
