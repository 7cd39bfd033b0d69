"""A profile photo as it is kept: checked by its content (not its name), turned upright, cropped
to a square from its middle, made 256 px a side and saved as a new JPEG, which carries none of
the upload's metadata (camera, place, time)."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from mentorship.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; a "decompression bomb" is refused before decoding
SIDE = 256
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="photo")


def photo_square(data: bytes) -> bytes:
    """The photo as Twoway keeps it (a SIDE × SIDE JPEG), or a DomainError saying why not."""
    if len(data) > MAX_BYTES:
        raise _refuse(
            _("A photo is at most %(megabytes)s MB; this one is larger.")
            % {"megabytes": MAX_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(BytesIO(data)) as probe:
            kind = probe.format or ""
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(
            _("That file is not a photo Twoway can read: use a JPEG, PNG or WebP.")
        ) from None
    if kind not in FORMATS:
        raise _refuse(
            _("%(format)s images are not taken: use a JPEG, PNG or WebP.") % {"format": kind}
            if kind
            else _("That images are not taken: use a JPEG, PNG or WebP.")
        )
    if width * height > MAX_PIXELS:
        raise _refuse(_("That photo has too many pixels: use one of at most 40 megapixels."))
    if min(width, height) < 32:
        raise _refuse(_("That photo is too small: use one at least 32 pixels on each side."))
    try:
        with Image.open(BytesIO(data)) as image:
            image.seek(0)  # a GIF's first frame
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise _refuse(_("That photo is damaged: try saving it again, or another one.")) from None
    square = ImageOps.fit(upright, (SIDE, SIDE), method=Image.Resampling.LANCZOS)
    out = BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True)  # no exif= given: no metadata written
    return out.getvalue()
