#!/usr/bin/env python
"""Django's command-line utility, saying in one sentence what to do when the database
cannot be reached or started, instead of a stack trace."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop_portal.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from otop_portal.lib.database import DatabaseProblem, unreachable_sentence

    try:
        execute_from_command_line(sys.argv)
    except (DatabaseProblem, ImproperlyConfigured) as problem:
        sys.exit(f"Error: {problem}")
    except Exception as exc:
        from django.db import OperationalError

        if isinstance(exc, OperationalError):
            sys.exit(f"Error: {unreachable_sentence(exc)}")
        raise


if __name__ == "__main__":
    main()
