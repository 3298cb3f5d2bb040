"""Django's makemessages without fuzzy matching: a guessed translation of a similar
string would show a wrong Thai text until someone noticed the "fuzzy" flag."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
