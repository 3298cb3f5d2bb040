"""Importing producers from a spreadsheet (provincial staff only): upload, preview,
confirm.

The uploaded file waits between preview and confirm in the media storage under
imports/ with a random name (through Django's storage API, so with several app
servers it sits in the shared object storage, not on one server's disk); the session
holds that name and the file's SHA-256. Confirming reads the file again, checks the
hash, checks every row again and writes it in one transaction; then the file is
deleted. Files left behind by abandoned previews are swept after a day.
"""

import hashlib
import re
import secrets
from datetime import timedelta
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from members import imports, selectors, services
from otop_portal.lib.exports import xlsx_response
from otop_portal.lib.scoping import staff_required

SESSION_KEY = "producer_import"
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx"}
FOLDER = "imports"
STALE_AFTER = timedelta(days=1)
_TOKEN = re.compile(r"[0-9a-f]{32}")

# What each column holds, for the page that explains the layout.
COLUMN_HELP = {
    "no": gettext_lazy("Any running number; not imported."),
    "producer_name": gettext_lazy("The group's or business's name. Required."),
    "producer_type": gettext_lazy(
        "กลุ่มผู้ผลิตชุมชน, ผู้ผลิตชุมชนที่เป็นเจ้าของรายเดียว or SME (the codes community_group, "
        "single_owner and sme work too). Required for a new producer."
    ),
    "community_enterprise_no": gettext_lazy("Only for a registered community enterprise."),
    "cdd_code": gettext_lazy("CDD's code; a registered producer with this code is updated."),
    "juristic_id": gettext_lazy("13 digits; a registered producer with this ID is updated."),
    "house_no": gettext_lazy("The producer's address."),
    "moo": gettext_lazy("A number, e.g. 3."),
    "subdistrict": gettext_lazy(
        "The 6-digit DOPA code, e.g. 270106, or the name. An abolished code is changed to its "
        "successor when it has only one. Required for a new producer."
    ),
    "district": gettext_lazy("The 4-digit code, e.g. 2701, or the name; may be left empty."),
    "postal_code": gettext_lazy("Filled in from the subdistrict when empty."),
    "phone": gettext_lazy("The producer's phone."),
    "title": gettext_lazy("นาย, นาง, นางสาว or ดร."),
    "first_name": gettext_lazy(
        "The person's first name: the contact person on a producer's first row, another "
        "member on the next rows. Required for a new producer."
    ),
    "last_name": gettext_lazy("The person's last name."),
    "national_id": gettext_lazy(
        "13 digits; a person registered with this number is linked, not added again."
    ),
    "birth_date": gettext_lazy("dd/mm/yyyy B.E., e.g. 15/03/2510."),
    "mobile": gettext_lazy("The person's phone."),
    "role": gettext_lazy(
        "ประธาน, รองประธาน, เลขานุการ, เหรัญญิก, สมาชิก or เจ้าของ. When empty, a new producer's "
        "first person is its chair (or owner) and the others are members."
    ),
    "product_name": gettext_lazy("Optional: one product per row."),
    "category": gettext_lazy(
        "อาหาร, เครื่องดื่ม, ผ้าและเครื่องแต่งกาย, ของใช้ ของตกแต่ง ของที่ระลึก or สมุนไพรที่ไม่ใช่อาหาร."
    ),
    "price": gettext_lazy("In baht, e.g. 250 or 1,250.50."),
    "unit": gettext_lazy("What the price is for: piece, bottle, kg…"),
    "stars": gettext_lazy("OPC stars, 1 to 5, with the round year."),
    "round_year": gettext_lazy("The B.E. year of the OPC round, e.g. 2567."),
}


class _SizeLimit(FileUploadHandler):
    """Drops an uploaded file once it passes the size limit, before it fills a disk,
    and notes it on the request so the form can say why."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > imports.MAX_BYTES:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.csv or .xlsx)"),
        help_text=gettext_lazy("At most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.content = b""
        if too_large:
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None:
            return upload
        # The name only chooses what the file must be; what it holds decides the rest.
        expected = EXTENSIONS.get(Path(upload.name).suffix.lower())
        if expected is None:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="type")
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="size")
        content = upload.read()
        if not content:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if imports.file_kind(content) != expected:
            raise forms.ValidationError(
                _("The file's content does not match its name: upload a real .csv or .xlsx file."),
                code="type",
            )
        try:
            imports.read_table(content)
        except imports.ImportFileError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        self.content = content
        return upload

    def clean(self):
        if self.too_large:
            self.add_error(
                "file", forms.ValidationError(_("The file is larger than 5 MB."), code="size")
            )
        return super().clean()


def _scope(user):
    return selectors.districts_for(user)


def _stored_name(token: str) -> str:
    return f"{FOLDER}/{token}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keep(request, content: bytes, name: str):
    """Keep the uploaded file for the preview and the confirmation."""
    _forget(request)
    _sweep()
    token = secrets.token_hex(16)
    default_storage.save(_stored_name(token), ContentFile(content))
    request.session[SESSION_KEY] = {"token": token, "sha256": _sha256(content), "name": name[:100]}


def _kept(request) -> tuple[bytes, dict] | None:
    """The kept file and what the session says of it; None when there is none or it
    is not the file that was uploaded."""
    info = request.session.get(SESSION_KEY) or {}
    if not _TOKEN.fullmatch(info.get("token", "")):
        return None
    try:
        with default_storage.open(_stored_name(info["token"]), "rb") as kept:
            content = kept.read()
    except FileNotFoundError:
        return None
    if _sha256(content) != info.get("sha256"):
        _forget(request)
        return None
    return content, info


def _forget(request):
    info = request.session.pop(SESSION_KEY, None) or {}
    if _TOKEN.fullmatch(info.get("token", "")):
        default_storage.delete(_stored_name(info["token"]))


def _sweep():
    """Delete the files of previews abandoned more than a day ago."""
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - STALE_AFTER
    for name in filter(_TOKEN.fullmatch, names):
        if default_storage.get_modified_time(_stored_name(name)) < cutoff:
            default_storage.delete(_stored_name(name))


@csrf_exempt  # checked in _upload, once the size limit is in place (see Django's upload docs)
@require_http_methods(["GET", "POST"])
@staff_required
def producer_import(request):
    request.upload_handlers.insert(0, _SizeLimit(request))
    return _upload(request)


@csrf_protect
def _upload(request):
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        too_large=getattr(request, "upload_too_large", False),
    )
    if posted and form.is_valid():
        _keep(request, form.content, form.cleaned_data["file"].name)
        return redirect("members:producer_import_preview")
    columns = [(column, COLUMN_HELP[column.key]) for column in imports.COLUMNS]
    return render(
        request,
        "members/imports/upload.html",
        {"form": form, "columns": columns, "max_rows": imports.MAX_ROWS},
    )


@require_safe
@staff_required
def producer_import_preview(request):
    kept = _kept(request)
    if kept is None:
        messages.info(request, _("Upload a file to import."))
        return redirect("members:producer_import")
    content, info = kept
    preview = imports.preview_file(content, district_scope=_scope(request.user))
    return _preview_page(request, preview, info)


def _preview_page(request, preview, info):
    return render(
        request,
        "members/imports/preview.html",
        {
            "preview": preview,
            "counts": preview.counts,
            "file_name": info["name"],
            "sha256": info["sha256"],
            "form": UploadForm(),
        },
    )


@require_POST
@staff_required
def producer_import_confirm(request):
    kept = _kept(request)
    if kept is None or request.POST.get("sha256") != kept[1]["sha256"]:
        messages.error(request, _("This preview is out of date: upload the file again."))
        return redirect("members:producer_import")
    content, info = kept
    try:
        result = services.producers_import(
            file=content, by=request.user, district_scope=_scope(request.user)
        )
    except services.ImportRefused as refused:
        messages.error(request, _("Nothing was imported: the file has errors."))
        return _preview_page(request, refused.preview, info)
    _forget(request)
    messages.success(request, _("Imported: %(summary)s") % {"summary": result.summary})
    return redirect("members:producer_list")


@require_safe
@staff_required
def producer_import_template(request):
    return xlsx_response(imports.template_export())
