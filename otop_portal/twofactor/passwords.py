"""Password rules on top of Django's: no password made of a run or of a few
characters, and a longer minimum for the accounts that reach money or every district."""

from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

RUN_LENGTH = 5
MIN_DIFFERENT = 5
KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def _alphabet_step(a: str, b: str) -> int | None:
    """0 repeated ("aa"), ±1 consecutive in the alphabet or digits ("ab", "21", "กข")."""
    step = ord(b) - ord(a)
    return step if abs(step) <= 1 else None


def _keyboard_step(a: str, b: str) -> int | None:
    """±1 neighbours on a keyboard row ("qw", "lk")."""
    for row in KEYBOARD_ROWS:
        i, j = row.find(a), row.find(b)
        if i >= 0 and j >= 0 and abs(i - j) == 1:
            return j - i
    return None


def _longest(password: str, step_of) -> int:
    longest = current = 1 if password else 0
    previous = None
    for a, b in pairwise(password):
        step = step_of(a, b)
        current = current + 1 if step is not None and step == previous else 2
        previous = step
        if step is None:
            current = 1
        longest = max(longest, current)
    return longest


def longest_run(password: str) -> int:
    """The longest stretch of repeated, consecutive or keyboard-row characters."""
    lowered = password.lower()
    return max(_longest(lowered, _alphabet_step), _longest(lowered, _keyboard_step))


class NoRunsValidator:
    """Refuses "aaaaaaaaaaaa", "abababababab", "1234567890ab", "qwertyuiop12": fewer than
    5 different characters, or a run of 5 repeated, consecutive or keyboard-row ones."""

    def validate(self, password, user=None):
        if len(set(password.lower())) < MIN_DIFFERENT:
            raise ValidationError(
                _("This password uses too few different characters."), code="password_too_plain"
            )
        if longest_run(password) >= RUN_LENGTH:
            raise ValidationError(
                _(
                    "This password contains a run like “aaaaa”, “12345”, “abcde” or “qwert”. "
                    "Break it up or choose another."
                ),
                code="password_has_run",
            )

    def get_help_text(self):
        return _(
            "Your password needs at least 5 different characters and no run of 5 like "
            "“aaaaa”, “12345”, “abcde” or “qwert”."
        )


class EligibleMinimumLengthValidator:
    """Provincial staff and the money functions (who may use a second factor) need a
    longer password: their accounts reach every district or the savings group's money."""

    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password, user=None):
        if user is None or not getattr(user, "second_factor_eligible", False):
            return
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "Provincial staff and the savings, loan and audit functions need a "
                    "password of at least %(min_length)d character.",
                    "Provincial staff and the savings, loan and audit functions need a "
                    "password of at least %(min_length)d characters.",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_too_short_for_role",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return ngettext(
            "Provincial staff and the savings, loan and audit functions: at least "
            "%(min_length)d character.",
            "Provincial staff and the savings, loan and audit functions: at least "
            "%(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
