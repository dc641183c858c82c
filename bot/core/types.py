"""Neutral, platform-free value types shared by the core and every adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class GroupRef:
    """Where a study group lives: a platform, a workspace (or guild) and a channel."""

    platform: str
    workspace: str
    channel: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}/{self.channel}"


@dataclass(frozen=True)
class Member:
    """The person who sent a command, as the platform names them."""

    user_id: str
    display_name: str
    is_admin: bool = False


@dataclass(frozen=True)
class CommandRequest:
    """One incoming command, already stripped of its platform wrapping.

    ``delivery_id`` identifies the platform delivery (Slack trigger or event id,
    Discord interaction id) so that a redelivered request has no second effect.
    ``thread`` is the platform thread the command was sent in, if any.
    ``raw`` carries the platform payload for the adapter; the core never reads it.
    """

    group: GroupRef
    member: Member
    name: str
    text: str = ""
    thread: str | None = None
    delivery_id: str | None = None
    raw: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Button:
    """A button that runs ``/command args`` as the member who clicks it."""

    label: str
    command: str
    args: str = ""
    style: Literal["primary", "default", "danger"] = "default"

    @property
    def action_id(self) -> str:
        """A stable id for the button: the command and its arguments."""
        return f"studybot:{self.command}:{self.args}".rstrip(":")


@dataclass(frozen=True)
class FormField:
    """One input of a form (a Slack modal or a Discord modal)."""

    name: str
    label: str
    multiline: bool = True
    max_length: int = 4000
    required: bool = True
    placeholder: str = ""


@dataclass(frozen=True)
class Form:
    """A form to open; on submit the adapter runs ``/command prefix <fields joined>``."""

    title: str
    command: str
    fields: tuple[FormField, ...]
    prefix: str = ""


Visibility = Literal["channel", "ephemeral", "thread", "direct"]


@dataclass(frozen=True)
class Reply:
    """What the core wants said.

    ``visibility``: ``channel`` posts in the group's channel, ``ephemeral`` only to the
    member who asked, ``thread`` into the thread named by ``thread_key`` (opened with
    ``thread_title`` when it does not exist yet), ``direct`` privately to ``to_user``.
    ``file_name``/``file_text`` attach a text file (e.g. an export).
    ``post_key`` is set by the scheduler on a scheduled post's replies: the outbox key
    (group, kind, local date, reply index) that the adapter stamps on the message in a form
    the platform keeps, so a post in doubt after a crash can be found instead of resent.
    """

    text: str
    visibility: Visibility = "channel"
    thread_key: str | None = None
    thread_title: str | None = None
    to_user: str | None = None
    buttons: tuple[Button, ...] = ()
    form: Form | None = None
    file_name: str | None = None
    file_text: str | None = None
    post_key: str | None = None


@dataclass(frozen=True)
class Post:
    """A scheduled post for one group: its kind, the local date it belongs to, the replies."""

    group: GroupRef
    kind: str
    local_date: str
    replies: tuple[Reply, ...]
