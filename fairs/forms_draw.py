"""Forms of the draw pipeline: the public random source typed in, typed again by a
second person, and any source text for an unofficial re-run."""

from django import forms
from django.utils.translation import gettext_lazy as _

SOURCE_HELP = _(
    "The results of the next Government Lottery draw after the list was frozen, exactly "
    "as announced: the draw date, the first prize, the front and last three-digit "
    "prizes and the two-digit prize, e.g. “งวด 16 ม.ค. 2569 รางวัลที่ 1 845102 เลขหน้า 3 ตัว "
    "071 930 เลขท้าย 3 ตัว 258 616 เลขท้าย 2 ตัว 04”. Spaces and line breaks count as one "
    "space."
)


def _source_field(label, help_text=SOURCE_HELP) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=300,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
    )


class SourceEnterForm(forms.Form):
    text = _source_field(_("Lottery results as announced"))


class SourceConfirmForm(forms.Form):
    retyped = _source_field(
        _("Type the lottery results again"),
        _(
            "Read them from the official announcement and type them yourself; they must "
            "match what the first person typed. Someone other than that person must confirm."
        ),
    )


class RerunForm(forms.Form):
    source_text = _source_field(
        _("Random source for the re-run"),
        _(
            "Any text: the re-run is unofficial, for checking, and changes nothing. The "
            "official draw's own source gives the same result again."
        ),
    )
