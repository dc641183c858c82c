import pytest

from bot.core.text import InputTooLong, cap, neutralize


@pytest.mark.parametrize("raw", [
    "@everyone look", "@here now", "@channel", "<!channel>", "<!here>", "<!everyone>",
    "<!here|here>", "<@U123ABC>", "<@U1|alice>", "<!subteam^S01|@leads>", "<@&987654>",
    "<@!1234567890>", "hey @Everyone",
])
def test_neutralize_defuses_every_mention_form(raw):
    safe = neutralize(raw)
    for dangerous in ("@everyone", "@here", "@channel", "<!", "<@"):
        assert dangerous not in safe.lower()


def test_neutralize_keeps_ordinary_text_and_emails():
    text = "Met bob@example.com at 10:00 <3 — a<b and c>d"
    assert neutralize(text) == text


def test_neutralize_keeps_a_readable_label():
    assert "alice" in neutralize("<@U1|alice>")


def test_cap_names_the_limit():
    assert cap("  hi  ", 10) == "hi"
    with pytest.raises(InputTooLong, match="limit is 5"):
        cap("x" * 6, 5, "note")
