"""Handlers of the foundation commands: /plan, /done, /streak, /studybot."""
