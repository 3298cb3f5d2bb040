"""Photos of units, check-outs and returns. Whatever is uploaded is decoded as an
image and re-encoded as JPEG under a generated name: names are never trusted and
nothing uploaded is served as anything but a JPEG."""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2000


def reencode(upload) -> ContentFile:
    """The uploaded image as a JPEG of at most MAX_SIDE pixels a side, without metadata."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("A photo may be at most %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024},
            code="too_big",
        )
    try:
        with Image.open(upload) as image:
            image.load()
            if image.width * image.height > 50_000_000:
                raise ValidationError(_("This photo is too large."), code="too_big")
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not a photo (JPEG, PNG or WebP)."), code="not_image"
        ) from error
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.jpg")


def photo_save(*, unit, stage: str, upload, by, loan=None, caption: str = ""):
    from equipment.models import UnitPhoto

    content = reencode(upload)
    photo = UnitPhoto(
        unit=unit,
        stage=stage,
        loan=loan,
        caption=caption,
        uploaded_by=by,
        token=content.name.removesuffix(".jpg"),
    )
    photo.image.save(content.name, content, save=False)
    photo.full_clean()
    photo.save()
    return photo
