"""Run benchmarks: ``python -m bench [NAME ...]``.

Each part is a module ``bench/<name>.py`` with a ``run() -> Iterable[Figure]`` function,
listed in PARTS. Progress goes to stderr; the table goes to stdout.
"""

from __future__ import annotations

import importlib
import sys

from bench.figures import print_table

PARTS: tuple[str, ...] = ("pairing", "stories", "commands", "checkins", "fanout", "startup")


def main(argv: list[str]) -> int:
    """Run the named parts (all when none are named) and print their tables."""
    names = argv or list(PARTS)
    unknown = [n for n in names if n not in PARTS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(PARTS)}")
        return 2
    ok = True
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
            print(f"\n== {name}\n(not written yet)")
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        ok = print_table(name, module.run()) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
