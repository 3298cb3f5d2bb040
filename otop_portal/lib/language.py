"""Small facts about the reader's language and Thai text, shared by the helpers."""

from django.utils.translation import get_language

# Thai digits ๐–๙ as ASCII digits, for text people type.
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def reads_english() -> bool:
    """Whether the active language is English (anything else reads Thai)."""
    return (get_language() or "th").lower().startswith("en")
