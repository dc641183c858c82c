"""/story end to end through the core, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import App
from bot.core.content_loader import ContentError
from bot.core.stories.loader import load_story_content_checked
from bot.core.stories.ports import NewStory
from bot.core.text import ZWSP
from bot.core.types import CommandRequest, GroupRef, Member, Reply

ROOT = Path(__file__).resolve().parents[2]
GROUP = GroupRef("test", "T1", "C1")

CERT_STORY = (
    "Situation: At my last company the TLS certificates for our internal services were renewed "
    "by a script that nobody owned; the engineer who wrote it had left a year earlier. "
    "Task: It was not my team's job, but if the certificates lapsed every service call in the "
    "region would fail, so I decided to take it on. "
    "Action: I listed every certificate and its expiry date and found three the script had "
    "never covered. I renewed those by hand that afternoon. Then I replaced the script with the "
    "managed certificate service, wrote a runbook, and added an alert thirty days before any "
    "expiry. I asked the platform director to name an owning team and handed the runbook over. "
    "Result: We had zero certificate outages in the following two years, down from two. "
    "What I learned: a risk with no owner is a risk that will happen."
)
DEPLOY_STORY = (
    "Situation: Our deploy process had fourteen manual steps and a release took an afternoon. "
    "Task: My goal for the quarter was to make deploys boring. "
    "Action: I mapped every step with the two people who deployed most, deleted nine steps "
    "that only worked around fixed problems, and replaced the manual checks with one CI script. "
    "Result: A deploy went from three hours to twelve minutes and we release daily."
)


class Chat:
    """Sends commands and thread messages into the core as named members."""

    def __init__(self, app: App) -> None:
        self.app = app

    def __call__(self, who: str, line: str, delivery: str | None = None) -> list[Reply]:
        name, _, text = line.lstrip("/").partition(" ")
        return self.app.bot.handle(CommandRequest(GROUP, Member(who, who.title(), who == "admin"),
                                                  name, text, delivery_id=delivery))

    def text(self, who: str, line: str) -> str:
        return "\n".join(r.text for r in self(who, line))

    def in_thread(self, who: str, key: str, text: str) -> list[Reply]:
        ref = f"ts-{key}"
        self.app.bot.bind_thread(GROUP, key, ref)
        return self.app.bot.handle_thread_message(GROUP, Member(who, who.title()), ref, text)

    @property
    def group_id(self) -> int:
        state = self.app.store.get_group(GROUP)
        assert state is not None
        return state.id

    def stories(self, who: str) -> list:
        return self.app.store.list_stories(self.group_id, who)


@pytest.fixture
def chat(any_app: App) -> Chat:
    c = Chat(any_app)
    assert "set up" in c.text("admin", "/studybot setup default UTC 09:00")
    return c


def test_submit_replies_in_a_thread_with_star_parts_and_principles_and_stores(chat):
    [reply] = chat("ann", "/story " + CERT_STORY)
    assert reply.visibility == "thread"
    [story] = chat.stories("ann")
    assert reply.thread_key == f"story:{story.id}"
    assert reply.thread_title.startswith("STAR review for Ann: At my last company")
    for part in ("Situation", "Task", "Action", "Result", "Learning"):
        assert f"- {part}: " in reply.text
    assert "**Principles shown**" in reply.text and "Ownership" in reply.text
    assert "Story #1 saved (1 of 15" in reply.text
    assert story.number == 1 and story.visibility == "thread"
    assert "ownership" in dict(story.principles)
    assert story.word_count > 100 and story.feedback["rendered"]
    assert story.text.startswith("Situation:") and "\nAction:" in story.text


def test_private_flag_keeps_feedback_to_the_sender(chat):
    [reply] = chat("ann", "/story --private " + DEPLOY_STORY)
    assert reply.visibility == "ephemeral" and reply.thread_key is None
    assert "Only you see this feedback" in reply.text
    [story] = chat.stories("ann")
    assert story.visibility == "ephemeral" and not story.text.startswith("--private")


def test_question_and_target_lines_are_options_not_story(chat):
    chat("ann", "/story Q: Tell me about a time you owned a problem? target: ownership "
         + CERT_STORY)
    [story] = chat.stories("ann")
    assert story.question == "Tell me about a time you owned a problem?"
    assert story.target == "ownership" and story.text.startswith("Situation:")


def test_unknown_target_is_explained_and_nothing_saved(chat):
    text = chat.text("ann", "/story target: telepathy " + CERT_STORY)
    assert "telepathy" in text and "ownership" in text
    assert chat.stories("ann") == []


def test_bare_story_opens_a_form_and_tells_console_users_what_to_type(chat):
    [reply] = chat("ann", "/story")
    assert reply.visibility == "ephemeral" and "/story" in reply.text
    form = reply.form
    assert form is not None and form.title == "Submit a STAR story" and form.command == "story"
    story, target = form.fields
    assert story.multiline and story.max_length == 12_000 and story.required
    assert not target.multiline and not target.required


def test_form_submission_with_target_field_last(chat):
    chat("ann", "/story " + DEPLOY_STORY + "\n\ninvent-and-simplify")
    [story] = chat.stories("ann")
    assert story.target == "invent-and-simplify" and "invent" not in story.text.splitlines()[-1]


def test_oversized_story_names_the_limit_and_saves_nothing(chat):
    text = chat.text("ann", "/story " + "word " * 3000)
    assert "limit is 12,000" in text
    assert chat.stories("ann") == []


def test_list_show_delete_with_stable_numbers(chat, any_app):
    chat("ann", "/story " + CERT_STORY)
    chat("ann", "/story " + DEPLOY_STORY)
    [listing] = chat("ann", "/story list")
    assert listing.visibility == "ephemeral"
    assert "#1 At my last company" in listing.text and "#2 Our deploy process" in listing.text
    [shown] = chat("ann", "/story show 2")
    assert shown.visibility == "ephemeral"
    assert "Story #2" in shown.text and "> Task: My goal for the quarter" in shown.text
    assert "**Structure**" in shown.text
    [deleted] = chat("ann", "/story delete 1")
    assert deleted.visibility == "ephemeral" and "Story #1" in deleted.text
    assert [s.number for s in chat.stories("ann")] == [2]
    assert any_app.store.count_stories(chat.group_id) == 1
    assert "no story #1" in chat.text("ann", "/story show 1")
    chat("ann", "/story " + CERT_STORY)
    assert [s.number for s in chat.stories("ann")] == [2, 3]


def test_coverage_shows_covered_principles_gaps_and_progress(chat):
    assert "0 of 15 stories" in chat.text("ann", "/story coverage")
    chat("ann", "/story " + CERT_STORY)
    [reply] = chat("ann", "/story coverage")
    assert reply.visibility == "ephemeral"
    assert "1 of 15 stories" in reply.text
    assert "- Ownership: #1" in reply.text
    assert "**Gaps (" in reply.text and "Customer Obsession" in reply.text


def test_stories_are_private_to_their_member(chat):
    chat("ann", "/story " + CERT_STORY)
    assert "no stories yet" in chat.text("bob", "/story list")
    assert "no story #1" in chat.text("bob", "/story show 1")
    assert "no story #1" in chat.text("bob", "/story delete 1")
    assert "At my last company" not in chat.text("bob", "/story coverage")
    assert len(chat.stories("ann")) == 1


def test_mentions_in_a_story_are_neutralized_in_the_feedback(chat):
    [reply] = chat("ann", "/story " + CERT_STORY.replace(
        "down from two.", "down from two. <!channel> @everyone <@U123|boss> told me so."))
    for raw in ("<!channel>", "@everyone", "<@U123"):
        assert raw not in reply.text and raw not in (reply.thread_title or "")
    assert f"@{ZWSP}everyone" in reply.text
    assert "<!channel>" not in chat.text("ann", "/story show 1")


def test_redelivered_submit_stores_once(chat):
    assert chat("ann", "/story " + CERT_STORY, delivery="evt-9")
    assert chat("ann", "/story " + CERT_STORY, delivery="evt-9") == []
    assert len(chat.stories("ann")) == 1


def test_thread_replies_are_kept_shown_and_exported(chat):
    [reply] = chat("ann", "/story " + CERT_STORY)
    [ack] = chat.in_thread("bob", reply.thread_key, "Great metric! <!here> say more on the alert")
    assert ack.visibility == "ephemeral" and "kept with this story" in ack.text
    [clipped] = chat.in_thread("cat", reply.thread_key, "x" * 5000)
    assert "first 4,000 characters" in clipped.text
    shown = chat.text("ann", "/story show 1")
    assert "**Replies (2)**" in shown and "- Bob: Great metric!" in shown
    assert "<!here>" not in shown
    [export] = chat("ann", "/studybot export me")
    data = json.loads(export.file_text)
    [story] = data["stories"]["stories"]
    assert story["number"] == 1 and story["feedback"]["principles"]
    assert [r["display_name"] for r in story["replies"]] == ["Bob", "Cat"]
    assert len(story["replies"][1]["text"]) == 4000
    [bob_export] = chat("bob", "/studybot export me")
    bob = json.loads(bob_export.file_text)["stories"]
    assert bob["stories"] == [] and bob["replies_written"][0]["text"].startswith("Great metric")


def test_delete_removes_the_story_and_its_replies(chat, any_app):
    [reply] = chat("ann", "/story " + CERT_STORY)
    chat.in_thread("bob", reply.thread_key, "nice")
    story_id = chat.stories("ann")[0].id
    assert "and its 1 reply deleted" in chat.text("ann", "/story delete 1")
    assert any_app.store.story_replies(chat.group_id, story_id) == []
    assert any_app.store.replies_by(chat.group_id, "bob") == []
    [late] = chat.in_thread("bob", reply.thread_key, "still there?")
    assert "deleted" in late.text
    assert any_app.store.replies_by(chat.group_id, "bob") == []


def test_forget_me_removes_stories_and_replies_on_others_stories(chat, any_app):
    [ann] = chat("ann", "/story " + CERT_STORY)
    [bob] = chat("bob", "/story " + DEPLOY_STORY)
    chat.in_thread("bob", ann.thread_key, "bob on ann's story")
    chat.in_thread("ann", bob.thread_key, "ann on bob's story")
    assert "deleted" in chat.text("ann", "/studybot forget me")
    assert chat.stories("ann") == []
    assert any_app.store.replies_by(chat.group_id, "ann") == []
    assert any_app.store.replies_by(chat.group_id, "bob") == []
    assert [s.number for s in chat.stories("bob")] == [1]
    assert any_app.store.count_stories(chat.group_id) == 1


def test_concurrent_submits_get_distinct_numbers(chat, any_app, clock):
    draft = NewStory(text="t", question=None, target=None, visibility="thread",
                     principles=(("ownership", 0.5),), flags=(), word_count=1,
                     feedback={"rendered": "r"}, created_at=clock.now())
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            any_app.store.add_story(chat.group_id, "ann", draft)
        except BaseException as exc:  # reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [s.number for s in chat.stories("ann")] == [1, 2, 3, 4, 5, 6]


def test_broken_story_content_names_file_and_line(tmp_path):
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "stories" / "rules.yaml", content / "stories" / "rules.yaml")
    text = (ROOT / "content" / "principles.yaml").read_text(encoding="utf-8")
    broken = text.replace("    framework: amazon", "    framework: amazn", 1)
    (content / "principles.yaml").write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("    framework: amazn") + 1
    with pytest.raises(ContentError) as err:
        load_story_content_checked(content)
    assert f"content/principles.yaml:{line}: principles.0.framework" in str(err.value)


def test_content_check_summary(any_app):
    stories = any_app.content.extras["stories"]
    assert stories.summary().startswith(f"{len(stories.principles)} principles")


def test_missing_story_content_is_reported_not_raised(any_app):
    any_app.bot.content = replace(any_app.content, extras={})
    c = Chat(any_app)
    c.text("admin", "/studybot setup default UTC 09:00")
    assert "not available" in c.text("ann", "/story " + CERT_STORY)
