"""``python -m bot`` is the ``studybot`` command."""

from bot.cli import main

raise SystemExit(main())
