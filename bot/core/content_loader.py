"""Load and validate every YAML file under ``content/`` and ``schedules/``.

All files are read and every problem is collected before failing, so one run reports
all broken files at once, each with the file, the line, the place and what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.core.content import Checkpoint, CheckpointSet, Schedule, Track

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file."""

    file: str
    line: int | None
    place: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        place = f"{self.place}: " if self.place else ""
        return f"{where}: {place}{self.message}"


class ContentError(Exception):
    """Content failed validation; ``problems`` lists every failure found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in content:\n{lines}")


@dataclass(frozen=True)
class Content:
    """Everything loaded from ``content/`` and ``schedules/``."""

    tracks: dict[str, Track]
    checkpoints: tuple[Checkpoint, ...]
    schedules: dict[str, Schedule]
    extras: dict[str, Any] = field(default_factory=dict)

    def track(self, track_id: str) -> Track:
        """The track called ``track_id``."""
        return self.tracks[track_id]


class FileValidator:
    """Reads YAML files into models, collecting :class:`Problem` records."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def load(self, path: Path, model: type[M]) -> M | None:
        """Validate ``path`` as ``model``; record problems and return None on failure."""
        name = self._name(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.problems.append(Problem(name, None, "", f"cannot read: {exc.strerror}"))
            return None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Problem(name, line, "", f"not valid YAML: {reason}"))
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            node = yaml.compose(text)
            for err in exc.errors():
                loc = tuple(err["loc"])
                place = ".".join(str(p) for p in loc) or "(top level)"
                self.problems.append(Problem(name, _line_of(node, loc), place, err["msg"]))
            return None

    def fail(self, path: Path | None, message: str) -> None:
        """Record a problem that is not about one model (e.g. a cross-file reference)."""
        self.problems.append(Problem(self._name(path) if path else "content", None, "", message))

    def _name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest parent)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


ExtraLoader = Callable[[FileValidator, Path], Any]
EXTRA_LOADERS: dict[str, ExtraLoader] = {}


def register_extra(name: str) -> Callable[[ExtraLoader], ExtraLoader]:
    """Register a feature's loader (mocks, stories); its result lands in ``Content.extras``."""

    def record(fn: ExtraLoader) -> ExtraLoader:
        EXTRA_LOADERS[name] = fn
        return fn

    return record


def load_content(content_dir: Path, schedules_dir: Path) -> Content:
    """Load everything, or raise :class:`ContentError` listing every problem."""
    root = content_dir.parent
    v = FileValidator(root)
    tracks: dict[str, Track] = {}
    for path in sorted((content_dir / "tracks").glob("*.yaml")):
        track = v.load(path, Track)
        if track is not None:
            if track.id in tracks:
                v.fail(path, f"track id {track.id!r} is used by another file")
            tracks[track.id] = track
    if not tracks and not v.problems:
        v.fail(content_dir / "tracks", "no track files found")
    checkpoint_set = v.load(content_dir / "checkpoints.yaml", CheckpointSet)
    schedules: dict[str, Schedule] = {}
    for path in sorted(schedules_dir.glob("*.yaml")):
        schedule = v.load(path, Schedule)
        if schedule is not None:
            if schedule.id in schedules:
                v.fail(path, f"schedule id {schedule.id!r} is used by another file")
            schedules[schedule.id] = schedule
    if "default" not in schedules and not any(p.file.startswith("schedules") for p in v.problems):
        v.fail(schedules_dir, "a schedule with id 'default' is required")
    _import_features()
    extras = {name: loader(v, content_dir) for name, loader in sorted(EXTRA_LOADERS.items())}
    if v.problems:
        raise ContentError(v.problems)
    assert checkpoint_set is not None
    return Content(tracks, checkpoint_set.checkpoints, schedules, extras)


def _import_features() -> None:
    """Import feature packages so their loaders register themselves."""
    import importlib

    for module in ("bot.core.mocks.loader", "bot.core.stories.loader"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
