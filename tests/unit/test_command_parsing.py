import pytest

from bot.core.commands.catalog import BY_NAME, COMMANDS
from bot.core.commands.registry import HANDLERS
from bot.core.commands.spec import UsageError, parse
from bot.core.service import load_handlers


def test_defaults_and_typed_arguments():
    assert parse(BY_NAME["plan"], "").sub == "today"
    inv = parse(BY_NAME["plan"], "day 46")
    assert (inv.sub, inv.args) == ("day", {"n": 46})
    assert parse(BY_NAME["done"], "sketched the feed").args == {"note": "sketched the feed"}
    assert parse(BY_NAME["done"], "").args == {"note": None}
    inv = parse(BY_NAME["mock"], "now behavioral staff")
    assert inv.args == {"kind": "behavioral", "level": "staff"}


def test_an_optional_choice_may_be_left_out():
    assert parse(BY_NAME["mock"], "now staff").args == {"kind": None, "level": "staff"}
    assert parse(BY_NAME["mock"], "now senior").args == {"kind": None, "level": "senior"}
    with pytest.raises(UsageError, match="(?i)unexpected 'staff'"):
        parse(BY_NAME["mock"], "now staff staff")


@pytest.mark.parametrize("command,text,needle", [
    ("plan", "day", "n is missing"),
    ("plan", "day x", "whole number"),
    ("plan", "month", "Unknown option 'month'"),
    ("plan", "day 3 extra", "unexpected 'extra'"),
    ("mock", "now lunch", "one of system-design, behavioral"),
    ("studybot", "away 99", "from 0 to 60"),
])
def test_bad_input_explains_usage(command, text, needle):
    with pytest.raises(UsageError) as err:
        parse(BY_NAME[command], text)
    assert needle.lower() in str(err.value).lower()
    assert "Usage" in str(err.value)


def test_every_command_has_help_and_examples():
    for spec in COMMANDS:
        assert spec.help and spec.examples, spec.name
        for sub in spec.subcommands:
            assert sub.help, (spec.name, sub.name)
            for p in sub.params:
                assert p.help, (spec.name, sub.name, p.name)


def test_foundation_commands_all_have_handlers():
    load_handlers()
    for name in ("plan", "done", "streak", "studybot"):
        for sub in BY_NAME[name].subcommands:
            assert (name, sub.name) in HANDLERS, (name, sub.name)
