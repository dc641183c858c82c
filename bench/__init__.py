"""Benchmarks: ``python -m bench`` runs every part, ``python -m bench NAME`` one part."""
