"""Declaring commands once: name, subcommands, typed parameters and help text.

Every adapter builds its platform commands from these declarations (Slack slash
commands, Discord app commands with typed options, console lines), and the core parses
the text form with :func:`parse`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ParamKind = Literal["int", "word", "text", "choice"]


class UsageError(ValueError):
    """A command that cannot be parsed; the message says what is wrong and how to use it."""


@dataclass(frozen=True)
class Param:
    """A positional parameter. ``text`` swallows the rest of the line."""

    name: str
    help: str
    kind: ParamKind = "word"
    choices: tuple[str, ...] = ()
    required: bool = True
    minimum: int | None = None
    maximum: int | None = None

    def usage(self) -> str:
        """``<name>`` or ``[name]``, with choices spelled out."""
        label = "|".join(self.choices) if self.kind == "choice" else self.name
        return f"<{label}>" if self.required else f"[{label}]"


@dataclass(frozen=True)
class Subcommand:
    """A verb of a command. The subcommand named ``""`` is the bare form (``/done note``)."""

    name: str
    help: str
    params: tuple[Param, ...] = ()
    admin: bool = False
    needs_group: bool = True


@dataclass(frozen=True)
class CommandSpec:
    """A top-level command such as ``/plan``."""

    name: str
    help: str
    subcommands: tuple[Subcommand, ...]
    default: str | None = None  # subcommand to run when the text is empty
    examples: tuple[str, ...] = field(default=())

    def sub(self, name: str) -> Subcommand | None:
        """The subcommand called ``name``, if any."""
        return next((s for s in self.subcommands if s.name == name), None)

    def usage(self) -> str:
        """One line per subcommand: ``/plan day <N> — show the task of day N``."""
        lines = []
        for s in self.subcommands:
            words = [f"/{self.name}", s.name, *(p.usage() for p in s.params)]
            lines.append(" ".join(w for w in words if w) + f" — {s.help}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Invocation:
    """A parsed command: which subcommand and its typed arguments."""

    command: str
    sub: str
    args: dict[str, Any]


def parse(spec: CommandSpec, text: str) -> Invocation:
    """Parse the text after ``/name`` into an :class:`Invocation` or raise UsageError."""
    words = text.split()
    if not words and spec.default is not None:
        sub, rest = spec.sub(spec.default), ""
    elif words and spec.sub(words[0].lower()) is not None and words[0] != "":
        sub, rest = spec.sub(words[0].lower()), text.strip()[len(words[0]) :]
    elif spec.sub("") is not None:
        sub, rest = spec.sub(""), text
    else:
        what = f"Unknown option '{words[0]}'" if words else "Missing option"
        raise UsageError(f"{what} for /{spec.name}. Usage:\n{spec.usage()}")
    assert sub is not None
    return Invocation(spec.name, sub.name, _parse_params(spec, sub, rest))


def _parse_params(spec: CommandSpec, sub: Subcommand, rest: str) -> dict[str, Any]:
    args: dict[str, Any] = {}
    remaining = rest.strip()
    pending: str | None = None  # a word kept for a later optional choice (kind skipped)
    for i, param in enumerate(sub.params):
        if param.kind == "text":
            if not remaining and param.required:
                raise _usage(spec, sub, f"{param.name} is missing")
            args[param.name] = remaining or None
            remaining = ""
            break
        if pending is not None:
            word, pending = pending, None
        else:
            word, _, remaining = remaining.partition(" ")
            remaining = remaining.strip()
        if word and _belongs_later(sub.params[i:], word):
            args[param.name], pending = None, word
            continue
        if not word:
            if param.required:
                raise _usage(spec, sub, f"{param.name} is missing")
            args[param.name] = None
            continue
        args[param.name] = _convert(spec, sub, param, word)
    if pending is not None:
        remaining = f"{pending} {remaining}".strip()
    if remaining:
        raise _usage(spec, sub, f"unexpected '{remaining[:40]}'")
    return args


def _belongs_later(params: tuple[Param, ...], word: str) -> bool:
    """True if ``word`` is not a value of optional choice ``params[0]`` but of a later one,
    so ``/mock now staff`` fills ``level`` and leaves ``kind`` to its default."""
    first = params[0]
    if first.required or first.kind != "choice" or word.lower() in first.choices:
        return False
    return any(p.kind == "choice" and word.lower() in p.choices for p in params[1:])


def _convert(spec: CommandSpec, sub: Subcommand, param: Param, word: str) -> Any:
    if param.kind == "int":
        try:
            value = int(word)
        except ValueError:
            problem = f"{param.name} must be a whole number, got '{word[:20]}'"
            raise _usage(spec, sub, problem) from None
        low, high = param.minimum, param.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{low if low is not None else '…'} to {high if high is not None else '…'}"
            raise _usage(spec, sub, f"{param.name} must be from {span}, got {value}")
        return value
    if param.kind == "choice":
        if word.lower() not in param.choices:
            raise _usage(spec, sub, f"{param.name} must be one of {', '.join(param.choices)}")
        return word.lower()
    return word


def _usage(spec: CommandSpec, sub: Subcommand, problem: str) -> UsageError:
    words = [f"/{spec.name}", sub.name, *(p.usage() for p in sub.params)]
    usage = " ".join(w for w in words if w)
    return UsageError(f"{problem[0].upper()}{problem[1:]}. Usage: {usage}")
