"""Checks on uploaded images (logos): size in bytes, real image type, sane pixel dimensions."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
MAX_PIXELS = 4096


def check_logo(upload, *, max_bytes: int) -> str:
    """Return the file extension for the image's real format, or raise ``ValueError``.

    The type is read from the content (Pillow), never from the name or the browser's header,
    so a renamed script or a decompression bomb is refused.
    """
    if upload.size > max_bytes:
        raise ValueError(
            _("The logo is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValueError(_("The logo must be a PNG, JPEG, WebP or GIF image.")) from None
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValueError(_("The logo must be a PNG, JPEG, WebP or GIF image."))
    if width > MAX_PIXELS or height > MAX_PIXELS:
        raise ValueError(
            _("The logo is %(w)s×%(h)s pixels; at most %(max)s×%(max)s is allowed.")
            % {"w": width, "h": height, "max": MAX_PIXELS}
        )
    return ALLOWED_FORMATS[image_format]
