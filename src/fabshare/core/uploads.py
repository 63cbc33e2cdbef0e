"""Checks on uploaded files: images (logos, photos) and PDF documents (datasheets).

The type is read from the content, never from the name or the browser's header."""

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
MAX_PIXELS = 4096


def check_image(upload, *, max_bytes: int) -> str:
    """Return the file extension for the image's real format, or raise ``ValueError``.

    The type is read from the content (Pillow), never from the name or the browser's header,
    so a renamed script or a decompression bomb is refused.
    """
    if upload.size > max_bytes:
        raise ValueError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValueError(_("Upload a PNG, JPEG, WebP or GIF image.")) from None
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValueError(_("Upload a PNG, JPEG, WebP or GIF image."))
    if width > MAX_PIXELS or height > MAX_PIXELS:
        raise ValueError(
            _("The image is %(w)s×%(h)s pixels; at most %(max)s×%(max)s is allowed.")
            % {"w": width, "h": height, "max": MAX_PIXELS}
        )
    return ALLOWED_FORMATS[image_format]


def check_pdf(upload, *, max_bytes: int) -> str:
    """Accept a PDF (by its signature) of at most ``max_bytes``; return its extension."""
    if upload.size > max_bytes:
        raise ValueError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValueError(_("Upload a PDF document."))
    return "pdf"


def delete_files_on_commit(files) -> None:
    """Remove stored files once the rows that named them are gone for good (after commit;
    a rollback keeps them)."""
    names = [(f.storage, f.name) for f in files if f]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)
