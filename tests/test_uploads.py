"""Uploads: size and type limits, re-encoded photos, names never trusted, nothing
uploaded served as HTML or script, and everything kept through the storage API.

The uploads are the equipment photos (equipment/photos.py, served by
equipment/views/care.py `photo`) and the producers import file
(members/views/imports.py).
"""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from PIL import Image

from equipment import photos
from otop_portal.lib.uploads import media_storage
from tests.equipment.matrix_care import _unit

PNG_1PX = Image.new("RGB", (4, 3), (10, 200, 10))
HOSTILE = [
    ("x.jpg", b"<html><body><script>alert(document.cookie)</script></body></html>"),
    ("x.jpg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("x.jpg", b"#!/bin/sh\nrm -rf /\n"),
    ("x.jpeg", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"),
    ("x.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
]


def image_bytes(fmt="JPEG", size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=fmt, **save)
    return out.getvalue()


def upload(name: str, content: bytes, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def unit(db):
    return _unit()


def _save(unit, staff, name, content):
    return photos.photo_save(unit=unit, stage="unit", upload=upload(name, content), by=staff)


# --- photos: type by content --------------------------------------------------------------


@pytest.mark.parametrize(("name", "content"), HOSTILE, ids=["html", "svg", "sh", "eps", "gif"])
def test_a_file_that_is_not_a_jpeg_png_or_webp_is_refused_whatever_its_name(name, content):
    with pytest.raises(ValidationError) as refused:
        photos.reencode(upload(name, content))
    assert refused.value.code == "not_image"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_become_a_jpeg_under_a_random_name(fmt):
    stored = photos.reencode(upload("รูป.png", image_bytes(fmt)))
    assert stored.read()[:3] == b"\xff\xd8\xff"
    assert len(stored.name) == len("0123456789abcdef0123456789abcdef.jpg")


def test_a_polyglot_jpeg_with_html_inside_is_served_only_as_the_re_encoded_jpeg(
    client, staff, unit
):
    payload = b"<html><script>alert(document.cookie)</script></html>"
    polyglot = image_bytes(comment=payload) + payload
    assert payload in polyglot
    saved = _save(unit, staff, "x.html", polyglot)
    client.force_login(staff)
    response = client.get(reverse("equipment:photo", kwargs={"token": saved.token}))
    served = b"".join(response.streaming_content)
    assert served[:3] == b"\xff\xd8\xff"
    assert b"<script" not in served and b"<html" not in served
    assert Image.open(io.BytesIO(served)).format == "JPEG"


def test_a_served_photo_is_a_sandboxed_jpeg_with_a_safe_name(client, staff, unit):
    saved = _save(unit, staff, '"; filename="evil.html', image_bytes("PNG"))
    client.force_login(staff)
    response = client.get(reverse("equipment:photo", kwargs={"token": saved.token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="{saved.token}.jpg"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Frame-Options"] == "DENY"


# --- photos: metadata, bombs, sizes, names -------------------------------------------------


def _exif_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the phone was held upright (rotate 90°)
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (13.0, 49.0, 12.0), 3: "E", 4: (102.0, 4.0, 30.0)})
    return image_bytes(size=(40, 30), exif=exif)


def test_exif_and_the_gps_position_are_stripped_and_the_photo_turned_upright():
    original = _exif_with_gps_and_rotation()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    stored = Image.open(io.BytesIO(photos.reencode(upload("gps.jpg", original)).read()))
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert stored.size == (30, 40), "turned as the orientation tag said"


def _jpeg_with_corrupt_exif() -> bytes:
    """As fuzzing found it: the Make tag's number (0x010F) turned into ImageWidth
    (0x0100) with its text value left, so Pillow's exif_transpose raises struct.error
    when it writes the EXIF back."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "cam"
    good = image_bytes(size=(40, 30), exif=exif)
    bad = good.replace(b"\x01\x0f\x00\x02", b"\x01\x00\x00\x02", 1)  # big-endian IFD entry
    assert bad != good
    return bad


def test_a_photo_with_corrupt_exif_is_kept_unturned_not_a_server_error(staff, unit):
    stored = photos.reencode(upload("broken-exif.jpg", _jpeg_with_corrupt_exif()))
    picture = Image.open(io.BytesIO(stored.read()))
    assert picture.format == "JPEG" and picture.size == (40, 30)
    assert dict(picture.getexif()) == {}
    assert _save(unit, staff, "broken-exif.jpg", _jpeg_with_corrupt_exif()).image


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")  # 144 megapixels in a few kB
    assert len(out.getvalue()) < 200_000
    with pytest.raises(ValidationError) as refused:
        photos.reencode(upload("bomb.png", out.getvalue()))
    assert refused.value.code == "too_big"


def test_a_photo_over_the_size_limit_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(photos, "MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("decoded"))
    with pytest.raises(ValidationError) as refused:
        photos.reencode(upload("big.jpg", b"\xff\xd8\xff" + b"0" * 2000))
    assert refused.value.code == "too_big"


def test_a_large_photo_is_scaled_down():
    stored = photos.reencode(upload("big.png", image_bytes("PNG", size=(4000, 1000))))
    assert Image.open(stored).size == (photos.MAX_SIDE, photos.MAX_SIDE // 4)


@pytest.mark.parametrize(
    "name",
    ["../../x.jpg", "..\\..\\settings.py", "/etc/passwd", "รูปเครื่อง 🙂.jpg", "a" * 300 + ".jpg"],
)
def test_an_uploaded_name_is_never_used(staff, unit, name):
    saved = _save(unit, staff, name, image_bytes())
    stored = Path(saved.image.name)
    assert stored.name == f"{saved.token}.jpg"
    assert len(saved.token) == 32 and int(saved.token, 16) >= 0
    assert ".." not in saved.image.name and stored.parts[0] == "equipment"
    media = Path(django_settings.MEDIA_ROOT).resolve()
    assert Path(saved.image.path).resolve().is_relative_to(media)


def test_photos_are_read_and_served_through_the_storage_api(client, settings, staff, unit):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    saved = _save(unit, staff, "x.png", image_bytes("PNG"))
    client.force_login(staff)
    response = client.get(reverse("equipment:photo", kwargs={"token": saved.token}))
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert not Path(settings.MEDIA_ROOT).exists(), "nothing on the local disk"


# --- what is served and how much is read ----------------------------------------------------


def test_media_files_are_never_served_by_url(client, staff, unit):
    saved = _save(unit, staff, "x.png", image_bytes("PNG"))
    client.force_login(staff)
    assert client.get(f"/{django_settings.MEDIA_URL}{saved.image.name}").status_code == 404
    patterns = [str(pattern.pattern) for pattern in get_resolver().url_patterns]
    assert not any(pattern.startswith(django_settings.MEDIA_URL) for pattern in patterns)


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, settings, staff):
    settings.UPLOAD_MAX_REQUEST_BYTES = 10_000
    client.force_login(staff)
    response = client.post(
        reverse("members:producer_import"),
        {"file": upload("big.csv", b"a,b\n" * 5_000, "text/csv")},
    )
    assert response.status_code == 400
    assert "producer_import" not in client.session


def test_the_upload_settings_keep_big_files_out_of_memory(settings):
    assert settings.FILE_UPLOAD_HANDLERS[0] == "otop_portal.lib.uploads.RequestSizeLimit"
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES >= 10  # a check-out takes up to 10 photos
    assert settings.UPLOAD_MAX_REQUEST_BYTES >= 10 * photos.MAX_UPLOAD_BYTES // 2


# --- the producers import file ------------------------------------------------------------


def _import(client, name, content, content_type="text/csv"):
    return client.post(
        reverse("members:producer_import"), {"file": upload(name, content, content_type)}
    )


CSV = "ชื่อผู้ผลิต,ประเภท\nกลุ่มทอผ้า,กลุ่มผู้ผลิตชุมชน\n".encode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("producers.csv", image_bytes("PNG")),
        ("producers.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
        ("producers.xlsx", CSV),
        ("producers.html", b"<html><script>alert(1)</script></html>"),
        ("producers.csv.exe", CSV),
    ],
    ids=["png-as-csv", "png-header-as-csv", "csv-as-xlsx", "html", "double-extension"],
)
def test_an_import_file_whose_content_is_not_its_type_is_refused(client, staff, name, content):
    client.force_login(staff)
    response = _import(client, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "producer_import" not in client.session
    assert not default_storage.exists("imports")


def test_an_import_file_is_kept_under_a_random_name_through_the_storage_api(
    client, settings, staff
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    client.force_login(staff)
    path = Path(__file__).parent / "members" / "data" / "producers.csv"
    response = _import(client, "../../../etc/ผู้ผลิต 🙂.csv", path.read_bytes())
    assert response.status_code == 302
    token = client.session["producer_import"]["token"]
    assert default_storage.listdir("imports") == ([], [token])
    assert not Path(settings.MEDIA_ROOT).exists(), "nothing on the local disk"
    assert client.get(reverse("members:producer_import_preview")).status_code == 200


def test_abandoned_import_files_are_swept_after_a_day(client, staff):
    client.force_login(staff)
    path = Path(__file__).parent / "members" / "data" / "producers.csv"
    _import(client, "a.csv", path.read_bytes())
    old = client.session["producer_import"]["token"]
    day_ago = time.time() - 25 * 60 * 60
    os.utime(default_storage.path(f"imports/{old}"), (day_ago, day_ago))
    client.logout()  # the session that knew the file is gone; the file stays behind
    client.force_login(staff)
    _import(client, "b.csv", path.read_bytes())
    new = client.session["producer_import"]["token"]
    assert default_storage.listdir("imports")[1] == [new]


# --- the media storage setting ----------------------------------------------------------------


def test_the_media_storage_comes_from_the_environment():
    assert media_storage(None, None) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage(
        "storages.backends.s3.S3Storage", '{"bucket_name": "otop-media", "default_acl": "private"}'
    ) == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "otop-media", "default_acl": "private"},
    }
    for nonsense in ("bucket=otop", '["otop"]'):
        with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE_OPTIONS"):
            media_storage(None, nonsense)
