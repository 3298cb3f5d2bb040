"""Template filters for Thai readers (placeholder: being written in full)."""

from django import template

from otop_portal.lib.thaidate import format_numeric_date

register = template.Library()


@register.filter
def thaidate_short(value):
    if not value:
        return ""
    return format_numeric_date(value.date() if hasattr(value, "date") else value)
