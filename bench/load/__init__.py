"""The load test: simulated users of every persona against gunicorn (see run.py)."""
