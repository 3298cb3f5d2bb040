"""Reading the portal's pages as a browser would: the links on a page, and its forms
with the values a browser would post (hidden fields, the CSRF token, what is checked
or selected) and the choices each field offers."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, list[str]] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    def value(self, name: str, default: str = "") -> str:
        return (self.values.get(name) or [default])[0]

    def set(self, name: str, *values: str) -> None:
        self.values[name] = [str(value) for value in values]

    def data(self) -> list[tuple[str, str]]:
        return [(name, value) for name, values in self.values.items() for value in values]


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self._name(form, name)
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(value)
                if "checked" in attrs:
                    form.values.setdefault(name, []).append(value)
            else:
                form.values.setdefault(name, []).append(value)
        elif tag == "select" and name:
            self._name(form, name)
            self._select, self._select_first, self._select_chosen = name, None, False
            form.choices.setdefault(name, [])
        elif tag == "option" and self._select:
            self._option = attrs
            self._text = []
        elif tag == "textarea" and name:
            self._name(form, name)
            self._textarea, self._text = name, []

    @staticmethod
    def _name(form: Form, name: str) -> None:
        if name not in form.names:
            form.names.append(name)

    def handle_data(self, data):
        if self._option is not None or self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None and form is not None:
            value = self._option.get("value", "".join(self._text).strip())
            form.choices[self._select].append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in self._option:
                form.values.setdefault(self._select, []).append(value)
                self._select_chosen = True
            self._option = None
        elif tag == "select" and self._select and form is not None:
            if not self._select_chosen and self._select_first is not None:
                form.values[self._select] = [self._select_first]  # what a browser posts
            self._select = None
        elif tag == "textarea" and self._textarea and form is not None:
            form.values[self._textarea] = ["".join(self._text).strip("\n")]
            self._textarea = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def post_form(html: str, needs: str | None = None) -> Form | None:
    """The first POST form of the page (that has a field named `needs`)."""
    for form in forms(html):
        if form.method == "post" and (needs is None or needs in form.names):
            return form
    return None


_HREF = re.compile(r'href="([^"#?]*)(?:\?[^"#]*)?"')


def links(html: str, pattern: str) -> list[str]:
    """The distinct link paths of the page that match `pattern` (a regex, whole path)."""
    wanted = re.compile(pattern)
    found = []
    for path in _HREF.findall(html):
        if wanted.fullmatch(path) and path not in found:
            found.append(path)
    return found


def ids(html: str, pattern: str) -> list[int]:
    """The numbers that `pattern`'s one group catches in the page's links."""
    wanted = re.compile(pattern)
    found = []
    for path in _HREF.findall(html):
        match = wanted.fullmatch(path)
        if match and int(match.group(1)) not in found:
            found.append(int(match.group(1)))
    return found
