"""The checks every uploaded file passes, whatever it is for (a case's evidence, the document of a
business's claim): its type is read from its bytes, never from its name; it must be a whole file
of that type, of a kind the purpose allows, and within the size limit."""

import io

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def is_whole_file(content: bytes, mime: str) -> bool:
    """The bytes are a whole file of the kind their first bytes announce, not just its header in
    front of something else (a page's HTML, a script): an image must decode, a PDF must end."""
    if mime in IMAGE_FORMATS:
        try:
            with Image.open(io.BytesIO(content), formats=[IMAGE_FORMATS[mime]]) as image:
                image.verify()
        except Exception:  # Pillow raises many kinds for a broken file
            return False
        return True
    if mime == "application/pdf":
        lowered = content.lower()
        return b"%%EOF" in content[-2048:] and b"<script" not in lowered and b"<html" not in lowered
    return True


def upload_checked(
    *, content: bytes, allowed_types: frozenset[str] | set[str], max_bytes: int, kinds_allowed: str, field: str = "file"
) -> filetype.Type:
    """The file's type, read from its bytes; or a ValidationError on `field` when the file is empty,
    larger than `max_bytes`, of a type not in `allowed_types` or not whole. `kinds_allowed` says,
    for the person, which kinds the purpose takes."""
    if not content:
        raise ValidationError({field: [_("The file is empty.")]})
    if len(content) > max_bytes:
        raise ValidationError({field: [_("The file is larger than %(limit)d MB.") % {"limit": max_bytes // 2**20}]})
    kind = filetype.guess(content)
    if kind is None or kind.mime not in allowed_types or not is_whole_file(content, kind.mime):
        raise ValidationError({field: [kinds_allowed]})
    return kind
