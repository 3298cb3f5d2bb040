"""What a form asks for, seen the way a browser and the view see it: the fields of the
page's own `<form method="post">` (names, options, checkboxes, hidden values) and the
fields of the Django form classes the view's code names (for actions whose form lives
on another page)."""

import inspect
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django import forms
from django.urls import resolve


@dataclass
class Field:
    name: str
    kind: str = "text"  # text, number, date, select, checkbox, hidden, file, model
    options: list = field(default_factory=list)
    value: str = ""
    multiple: bool = False


class _FormParser(HTMLParser):
    """Every `<form method="post">` of a page: its action and its fields."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, Field]]] = []
        self._fields: dict[str, Field] | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._fields = {}
            self.forms.append((attrs.get("action", ""), self._fields))
        if self._fields is None or (not attrs.get("name") and tag != "option"):
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "textarea":
            self._textarea = self._fields.setdefault(attrs["name"], Field(attrs["name"]))
        elif tag == "select":
            self._select = self._fields.setdefault(
                attrs["name"], Field(attrs["name"], "select", multiple="multiple" in attrs)
            )
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        name = attrs["name"]
        if kind in ("submit", "button", "reset", "image") or name == "csrfmiddlewaretoken":
            return
        found = self._fields.setdefault(name, Field(name, kind))
        if kind in ("checkbox", "radio"):
            found.options.append(attrs.get("value", "on"))
            if "checked" in attrs:
                found.value = attrs.get("value", "on")
        else:
            found.value = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_fields(html: str, url: str) -> dict[str, Field]:
    """The fields of the page's forms that post back to `url` (or to themselves)."""
    parser = _FormParser()
    parser.feed(html)
    path = urlsplit(url).path
    found: dict[str, Field] = {}
    for action, fields in parser.forms:
        if action in ("", "#", ".") or urlsplit(action).path == path:
            found.update(fields)
    return found


def _form_classes(func, depth=2) -> set[type]:
    """Form classes a view's code (or a helper it calls, `depth` levels down) names."""
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    code = getattr(func, "__code__", None)
    if code is None:
        return set()
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= set(const.co_names)
    found = set()
    namespace = func.__globals__
    modules = [value for value in namespace.values() if inspect.ismodule(value)]
    for name in names:
        candidates = [namespace.get(name)] + [getattr(module, name, None) for module in modules]
        for value in candidates:
            if inspect.isclass(value) and issubclass(value, forms.BaseForm | forms.BaseFormSet):
                found.add(value)
            elif depth and inspect.isfunction(value) and value.__module__ == func.__module__:
                found |= _form_classes(value, depth - 1)
    return found


def _kind(form_field) -> tuple[str, list]:
    from otop_portal.lib.thaidate import BEDateField

    if isinstance(form_field, BEDateField):
        return "bedate", []
    if isinstance(form_field, forms.EmailField):
        return "email", []
    if isinstance(form_field, forms.ModelChoiceField):
        pks = list(form_field.queryset.model._base_manager.values_list("pk", flat=True)[:5])
        return "model", [str(pk) for pk in pks]
    if isinstance(form_field, forms.ChoiceField):
        return "select", [str(value) for value, _label in form_field.choices]
    if isinstance(form_field, forms.BooleanField):
        return "checkbox", ["on"]
    if isinstance(form_field, forms.FileField):
        return "file", []
    if isinstance(form_field, forms.DateField | forms.DateTimeField | forms.TimeField):
        return "date", []
    if isinstance(form_field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        return "number", []
    return "text", []


def view_fields(url: str) -> dict[str, Field]:
    """Fields of the Django forms the view behind `url` uses (without a prefix)."""
    found: dict[str, Field] = {}
    for form_class in _form_classes(resolve(urlsplit(url).path).func):
        if issubclass(form_class, forms.BaseFormSet):
            form_class = form_class.form
        for name, form_field in form_class.base_fields.items():
            kind, options = _kind(form_field)
            found[name] = Field(name, kind, options)
    return found
