"""Django's form renderer with its most used widget templates written in Python.

Django renders a widget through templates: a select through select.html, which includes
select_option.html once per option, each including attrs.html. A page's filter bar of six
selects is some 60 template renders, a third of a list page's time. Here the templates of
text-like inputs, selects and their options, and attrs are Python functions that write the
same HTML (tests/lib/test_form_renderer.py compares them with Django's templates widget by
widget); every other template (radios, checkboxes, textareas, multi-widgets, any widget
with its own templates) is Django's as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
_OPTION = _WIDGETS + "select_option.html"
# The widget templates that are only {% include "django/forms/widgets/input.html" %}.
_INPUTS = frozenset(
    _WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "number.html",
        "email.html",
        "url.html",
        "password.html",
        "hidden.html",
        "search.html",
        "tel.html",
        "date.html",
        "datetime.html",
        "time.html",
        "color.html",
    )
)


def _text(value) -> str:
    """{{ value|stringformat:'s' }}: the value as text, escaped unless it was safe."""
    try:
        text = "%s" % (value,)  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"` for each attribute, ` name` for True, none for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{_text(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


class _Python:
    """A template written as a function of the widget's context."""

    def __init__(self, write):
        self.write = write

    def render(self, context=None, request=None):
        return mark_safe(self.write(context["widget"]))  # every value escaped above


class FastRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's renderer, but for the templates above."""

    def __init__(self):
        super().__init__()
        self._python = {name: _Python(_input) for name in _INPUTS}
        self._python[_WIDGETS + "select.html"] = _Python(self._select)
        self._python[_OPTION] = _Python(_option)

    def get_template(self, template_name):
        return self._python.get(template_name) or super().get_template(template_name)

    def _select(self, widget: dict) -> str:
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                if option["template_name"] == _OPTION:
                    html = _option(option)
                else:  # a widget's own option template
                    html = self.get_template(option["template_name"]).render({"widget": option})
                # an included template keeps its file's last newline
                parts.append(f"\n  {html}\n")
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)
