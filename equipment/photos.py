"""Photos of units, check-outs and returns. Whatever is uploaded is decoded as an
image and re-encoded as JPEG under a generated name: names are never trusted and
nothing uploaded is served as anything but a JPEG.

What is refused, before any pixel is decoded: a file over MAX_UPLOAD_BYTES (Django
has already streamed it to a temporary file in chunks, never whole into memory), a
file that is not a JPEG, PNG or WebP by its content (an HTML, SVG or script file is
none of them, whatever its name), and an image of more than MAX_PIXELS (a
decompression bomb: a small file that would unpack to gigabytes). What is kept is the
picture only: the re-encoded JPEG carries no EXIF (no GPS position, no camera serial),
turned upright first as the phone's orientation tag said (a photo whose EXIF is too
broken to read is kept as it was taken, not refused).

A form with several photos re-encodes them all before any is written (photos_prepare,
then photos_save): one bad photo refuses the form with nothing in storage, and a write
that fails part-way deletes the files it already wrote.
"""

import io
import logging
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2000
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; Pillow's own bomb limit is higher
# Only these decoders run on an upload (Pillow knows dozens, some of them risky).
FORMATS = ("JPEG", "PNG", "WEBP")

log = logging.getLogger(__name__)


def _not_image() -> ValidationError:
    return ValidationError(_("This file is not a photo (JPEG, PNG or WebP)."), code="not_image")


def _too_large() -> ValidationError:
    return ValidationError(_("This photo is too large."), code="too_big")


def _upright(image):
    """The image turned as its EXIF orientation says; as it is when the EXIF is broken
    (Pillow raises struct.error, TypeError and others on some corrupt EXIF blocks)."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # any broken EXIF: keep the picture unturned
        log.info("photo EXIF unreadable: kept unrotated", exc_info=True)
        return image


def reencode(upload) -> ContentFile:
    """The uploaded image as a JPEG of at most MAX_SIDE pixels a side, without metadata."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("A photo may be at most %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024},
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=FORMATS) as image:
                # Image.open reads the header only: the size is known before decoding.
                if image.width * image.height > MAX_PIXELS:
                    raise _too_large()
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a smaller scale
                image.load()
                picture = _upright(image).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _not_image() from error
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    # Pillow writes a JPEG comment found in the upload back out (a polyglot's HTML
    # hides there): forget all of the upload's metadata, and write none.
    picture.info.clear()
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.jpg")


def photos_prepare(uploads) -> list[ContentFile]:
    """Every upload re-encoded (ValidationError at the first bad one): nothing written."""
    return [reencode(upload) for upload in uploads]


def _write(*, unit, stage: str, content: ContentFile, by, loan, caption: str):
    from equipment.models import UnitPhoto

    photo = UnitPhoto(
        unit=unit,
        stage=stage,
        loan=loan,
        caption=caption,
        uploaded_by=by,
        token=content.name.removesuffix(".jpg"),
    )
    photo.image.save(content.name, content, save=False)
    try:
        photo.full_clean()
        photo.save()
    except BaseException:
        photo.image.delete(save=False)
        raise
    return photo


def photos_save(*, unit, stage: str, contents: list[ContentFile], by, loan=None) -> list:
    """Writes re-encoded photos (from photos_prepare); when one fails, the files already
    written by this call are deleted before the error goes on (the rows roll back with
    the caller's transaction)."""
    written = []
    try:
        for content in contents:
            written.append(
                _write(unit=unit, stage=stage, content=content, by=by, loan=loan, caption="")
            )
    except BaseException:
        for photo in written:
            photo.image.delete(save=False)
        raise
    return written


def photo_save(*, unit, stage: str, upload, by, loan=None, caption: str = ""):
    content = reencode(upload)
    return _write(unit=unit, stage=stage, content=content, by=by, loan=loan, caption=caption)
