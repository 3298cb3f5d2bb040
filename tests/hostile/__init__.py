"""Helpers of the hostile-input property test (tests/test_hostile_input.py): what a
form looks like from outside (`forms`), what an attacker types (`strategies`) and
what the database must still look like afterwards (`watch`)."""
