"""The Python widget templates (otop_portal/lib/form_renderer.py) write what Django's
templates write, widget by widget, value by value."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from hypothesis import given
from hypothesis import strategies as st

from otop_portal.lib.form_renderer import FastRenderer

FAST, DJANGO = FastRenderer(), DjangoTemplates()

CHOICES = [
    ("", "---------"),
    ("a", "เอ & <บี>"),
    (_("Group"), [("g1", "หนึ่ง"), ("g2", mark_safe("<b>สอง</b>"))]),
    (3, _("Pending")),
]


def both(widget: forms.Widget, value, attrs=None) -> tuple[str, str]:
    return (
        widget.render("name", value, attrs=attrs, renderer=FAST),
        widget.render("name", value, attrs=attrs, renderer=DJANGO),
    )


WIDGETS = [
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.TextInput(attrs={"class": "form-control", "required": True}), 'a "b" <c> & ง'),
    (forms.TextInput(attrs={"disabled": False, "data-x": mark_safe("<i>")}), "x"),
    (forms.TextInput(), mark_safe("<b>safe</b>")),
    (forms.NumberInput(attrs={"step": "0.01", "min": 0}), 12.5),
    (forms.EmailInput(), "a@example.com"),
    (forms.URLInput(), "https://example.com/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.PasswordInput(), "secret"),
    (forms.HiddenInput(), 42),
    (forms.DateInput(attrs={"type": "date"}), datetime.date(2026, 11, 25)),
    (forms.DateTimeInput(), datetime.datetime(2026, 11, 25, 9, 30, tzinfo=datetime.UTC)),
    (forms.TimeInput(), datetime.time(9, 30)),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES), "g2"),
    (forms.Select(choices=CHOICES, attrs={"class": "form-select", "aria-label": "หมวด"}), 3),
    (forms.SelectMultiple(choices=CHOICES), ["a", "g1"]),
    (forms.NullBooleanSelect(), None),
    (forms.NullBooleanSelect(), True),
    (forms.Select(choices=[]), None),
    # not written in Python: Django's templates, through the same renderer
    (forms.CheckboxInput(), True),
    (forms.RadioSelect(choices=CHOICES), "a"),
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["a"]),
    (forms.Textarea(), "บรรทัด\n<สอง>"),
    (forms.SelectDateWidget(), datetime.date(2026, 1, 2)),
    (forms.SplitDateTimeWidget(), datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)),
    (forms.ClearableFileInput(), None),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda w: type(w).__name__)
def test_same_html_as_django(widget, value):
    fast, django = both(widget, value, attrs={"id": "id_name"})
    assert fast == django


class OwnOption(forms.Select):
    option_template_name = "django/forms/widgets/input.html"


def test_a_widgets_own_option_template_is_used():
    widget = OwnOption(choices=[("a", "A")])
    fast, django = both(widget, "a")
    assert fast == django
    assert "<input" in fast


@given(st.text(), st.text(), st.text(min_size=1))
def test_any_text_is_escaped_as_django_does(value, label, attr):
    text = forms.TextInput(attrs={"title": attr})
    select = forms.Select(choices=[(value, label), ("b", attr)], attrs={"title": attr})
    for widget in (text, select):
        fast, django = both(widget, value)
        assert fast == django


def test_the_portal_uses_it():
    assert settings.FORM_RENDERER == "otop_portal.lib.form_renderer.FastRenderer"
    from members.forms import RenewalForm

    assert isinstance(RenewalForm().renderer, FastRenderer)
