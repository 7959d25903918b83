"""An uploaded picture, taken in as pixels only (proposals, poll options, ...).

The file is identified by Pillow from its content (never by its name or the browser's content
type), only JPEG, PNG and WebP are opened at all, and it is re-encoded: what is stored holds the
pixels and nothing else (no EXIF, so no GPS position or camera serial), under a random name.
"""

from io import BytesIO
from uuid import uuid4

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_MAX_BYTES = 5 * 1024 * 1024
# Decoding a small file of huge dimensions would take the memory of the process (a "pixel bomb").
IMAGE_MAX_PIXELS = 40_000_000
# Larger pictures are scaled down: no page shows more.
IMAGE_MAX_SIDE = 2400

# Pillow's format → (file extension, content type).
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = dict(IMAGE_FORMATS.values())  # extension → content type


class ImageRejected(ValueError):
    """The upload is not an image we take; `message` says why, for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PreparedImage(ContentFile):
    """An image that went through prepare_image(): safe to store as it is."""

    def __init__(self, content, *, extension, content_type):
        super().__init__(content, name=f"{uuid4().hex}.{extension}")
        self.content_type = content_type


def _refuse(message):
    return ImageRejected(message)


def prepare_image(upload) -> PreparedImage:
    """Check an uploaded file and re-encode it; raises ImageRejected with the reason."""
    if isinstance(upload, PreparedImage):
        return upload
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise _refuse(_("The image file is empty."))
    if size > IMAGE_MAX_BYTES:
        raise _refuse(
            _("The image may be at most 5 MB (this file is %(size)s MB).") % {"size": f"{size / 1024 / 1024:.1f}"}
        )
    unreadable = _("This file is not a JPEG, PNG or WebP image. Choose a photo or a picture in one of these formats.")
    try:
        upload.seek(0)
        with Image.open(upload, formats=list(IMAGE_FORMATS)) as probe:
            kind = probe.format
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise _refuse(_("The image has too many pixels: make it smaller than 40 megapixels."))
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=[kind]) as image:
            image.load()
            icc_profile = image.info.get("icc_profile")
            picture = ImageOps.exif_transpose(image)  # keep the orientation the EXIF data gave
    except ImageRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise _refuse(unreadable) from error
    picture.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    extension, content_type = IMAGE_FORMATS[kind]
    output = BytesIO()
    # Only the colour profile goes along; every other chunk of metadata is left behind.
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if kind == "JPEG":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        picture.save(output, "JPEG", quality=85, optimize=True, **extra)
    elif kind == "PNG":
        picture.save(output, "PNG", optimize=True, **extra)
    else:
        picture.save(output, "WEBP", quality=85, **extra)
    return PreparedImage(output.getvalue(), extension=extension, content_type=content_type)


def image_content_type(name: str) -> str | None:
    """The content type of a stored image by the extension prepare_image gave it (None: not one of ours)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(extension)
