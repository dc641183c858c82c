from bot.core.types import CommandRequest, GroupRef, Member


def test_setup_then_plan_on_both_databases(any_app):
    group = GroupRef("test", "w1", "c1")
    admin = Member("U1", "Ada", is_admin=True)
    [setup] = any_app.bot.handle(CommandRequest(group, admin, "studybot", "setup"))
    assert "set up" in setup.text
    [plan] = any_app.bot.handle(CommandRequest(group, admin, "plan", "day 3"))
    assert plan.text.startswith("**Day 3 of 90")
