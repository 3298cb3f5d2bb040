"""Buddhist-Era dates (placeholder: being written in full)."""

from datetime import date, datetime

from django.utils import timezone


def format_numeric_date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year + 543}"


def format_numeric_datetime(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{format_numeric_date(local.date())} {local:%H:%M}"
