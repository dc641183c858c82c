"""Random mock-pairing instances shared by tests and the benchmark."""

from __future__ import annotations

import random
from datetime import time

from bot.core.mocks.pairing import MockMember, Pairing, PastRound

Instance = tuple[list[MockMember], list[PastRound]]


def random_instance(n: int, rounds: int, seed: int) -> Instance:
    """Members spread over the globe with mixed role histories, and random past rounds."""
    rng = random.Random(seed)
    members = []
    for i in range(n):
        interviewed = rng.randint(0, 3)
        start = rng.randint(6, 11)
        members.append(MockMember(
            id=f"m{i:03d}",
            zone=rng.randrange(-720, 720, 30),
            work_start=time(start),
            work_end=time(start + rng.randint(2, 9)),
            interviewer_count=interviewed,
            candidate_count=max(0, interviewed + rng.choice([-1, 0, 0, 1])),
            last_role=rng.choice(["interviewer", "candidate", None]),
        ))
    ids = [m.id for m in members]
    history = []
    for r in range(rounds):
        rng.shuffle(ids)
        observer = ids[-1] if len(ids) % 2 else None
        pairs = [Pairing(ids[2 * j], ids[2 * j + 1]) for j in range(len(ids) // 2)]
        if observer and pairs:
            pairs[0] = Pairing(pairs[0].interviewer, pairs[0].candidate, observer)
        history.append(PastRound(r, tuple(pairs)))
    return members, history

