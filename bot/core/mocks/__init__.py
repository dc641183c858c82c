"""Mock interviews (``/mock``): content models, scoring math and round pairing.

Platform-free: :mod:`.content` loads ``content/mock/*.yaml``, :mod:`.scoring` turns rubric
scores into a band, and :mod:`.pairing` builds a round of interviewer/candidate pairings.
"""
