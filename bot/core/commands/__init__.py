"""Command declarations, parsing and the handler registry."""
