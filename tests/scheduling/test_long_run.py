"""A 90-day run, driven by the fake clock, across daylight-saving changes in two zones."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.dispatcher import Dispatcher

DAY_RE = re.compile(r"Day (\d+) of 90")


def expected_dates(start: date, end_utc: datetime, weekdays: set[int], zone: str,
                   at: time) -> list[date]:
    """Scheduled local dates whose post instant is not after ``end_utc`` (independent)."""
    out, d = [], start
    while True:
        instant = datetime.combine(d, at, tzinfo=ZoneInfo(zone))
        if instant > end_utc:
            return out
        if d.weekday() in weekdays:
            out.append(d)
        d += timedelta(days=1)


def run(app, clock, messenger, until: datetime, step: timedelta) -> None:
    dispatcher = Dispatcher(app.store, app.content, clock, messenger, worker_id="t",
                            pool_size=4)
    try:
        dispatcher.catch_up(clock.now())
        while clock.now() < until:
            clock.advance(step)
            dispatcher.tick(clock.now())
    finally:
        dispatcher.close()


def dailies(messenger, channel: str) -> list[tuple[int, datetime]]:
    return [(int(DAY_RE.search(r.text).group(1)), at) for g, r, at in messenger.sent
            if g.channel == channel and r.buttons]


@pytest.mark.parametrize(("begin", "days"), [
    (datetime(2026, 2, 16, tzinfo=UTC), 90),  # spring forward: US 8 Mar, EU 29 Mar
    (datetime(2026, 10, 5, tzinfo=UTC), 35),  # fall back: EU 25 Oct, US 1 Nov
])
def test_long_run_two_zones_exactly_once(any_app, clock, messenger, make_group, begin, days):
    clock.set(begin)
    ny = make_group(any_app.store, "ny", schedule="default", zone="America/New_York",
                    daily=time(7, 0), start=begin.date())
    be = make_group(any_app.store, "berlin", schedule="three-a-week", zone="Europe/Berlin",
                    daily=time(19, 0), start=begin.date())
    end = begin + timedelta(days=days)
    run(any_app, clock, messenger, end, timedelta(hours=1))

    for group, weekdays, at in ((ny, {0, 1, 2, 3, 4}, time(7, 0)), (be, {0, 2, 4}, time(19, 0))):
        zone = ZoneInfo(group.timezone)
        posts = dailies(messenger, group.ref.channel)
        want = expected_dates(begin.date(), end, weekdays, group.timezone, at)
        # one post per scheduled day, none on days off, the plan advancing 1, 2, 3, ...
        assert [n for n, _ in posts] == list(range(1, len(want) + 1))
        assert [sent.astimezone(zone).date() for _, sent in posts] == want
        # each went out at the group's local post time, whatever the UTC offset that day
        assert {sent.astimezone(zone).time() for _, sent in posts} == {at}
        offsets = {sent.astimezone(zone).utcoffset() for _, sent in posts}
        assert len(offsets) == 2, "the run should cross a daylight-saving change"

    kinds = Counter((g.channel, r.thread_key is not None, "digest" in r.text.lower())
                    for g, r, _ in messenger.sent)
    weeks = days // 7
    assert kinds[("ny", True, False)] in (weeks, weeks + 1)     # Friday checkpoints
    assert kinds[("ny", False, True)] in (weeks, weeks + 1)     # Sunday digests
    assert kinds[("berlin", True, False)] in (weeks, weeks + 1)  # Wednesday checkpoints
    rows = any_app.store.outbox_items()
    assert {r.status for r in rows} == {"sent"}
    assert len(rows) == len(messenger.sent)
