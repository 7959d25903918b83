"""An uploaded picture, taken in as pixels only: the one upload policy of the site (complaint
photos, proposal and budget project images, poll option images: every upload the site takes is
a picture, and every path calls prepare_image).

- Size: at most settings.IMAGE_MAX_BYTES, refused before anything is decoded.
- Pixels: the header's width × height is checked against settings.IMAGE_MAX_PIXELS before the
  pixels are decoded, so a small file declaring huge dimensions (a "decompression bomb") is
  refused without taking the process's memory; Pillow's own bomb guard is caught as the same
  refusal.
- Type: decided by the content (Pillow identifies the file by its magic bytes, and only JPEG,
  PNG and WebP are opened at all), never by the file's name or the browser's content type; an
  HTML, SVG or script file named .jpg is refused.
- Re-encoding: what is stored is built again from the decoded pixels (a new image with no
  `info`), so no EXIF (GPS position, camera serial), XMP, comment, text chunk or colour profile
  goes along, and nothing appended to the file (a polyglot's second half) survives. A colour
  profile is applied to the pixels (converted to sRGB) rather than kept.
- Name: a random one (uuid4) with the extension of the format found; nothing of the person's
  file name reaches the storage.

Refusals raise ImageRejected with a message for the person; nothing is written before the
caller stores the PreparedImage it gets back.
"""

from io import BytesIO
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Larger pictures are scaled down: no page shows more.
IMAGE_MAX_SIDE = 2400

# Pillow's format → (file extension, content type).
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = dict(IMAGE_FORMATS.values())  # extension → content type

_SRGB = ImageCms.createProfile("sRGB")


def __getattr__(name):
    # IMAGE_MAX_BYTES is read by modules sizing request bodies (Open311, the proxy's limit test):
    # the setting is the one source.
    if name == "IMAGE_MAX_BYTES":
        return settings.IMAGE_MAX_BYTES
    if name == "IMAGE_MAX_PIXELS":
        return settings.IMAGE_MAX_PIXELS
    raise AttributeError(name)


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


def _megabytes(size, *, up=False) -> str:
    # A file over the limit is shown rounded up, so that it never reads as the limit itself.
    tenths = -(-size * 10 // (1024 * 1024)) if up else round(size * 10 / (1024 * 1024))
    return f"{tenths / 10:.1f}".removesuffix(".0")


def _too_many_pixels(width=None, height=None) -> ImageRejected:
    limit = f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"
    if width and height:
        return ImageRejected(
            _("The image is %(width)d × %(height)d pixels: make it smaller than %(max)s megapixels.")
            % {"width": width, "height": height, "max": limit}
        )
    return ImageRejected(_("The image has too many pixels: make it smaller than %(max)s megapixels.") % {"max": limit})


def prepare_image(upload) -> PreparedImage:
    """Check an uploaded file and re-encode it; raises ImageRejected with the reason."""
    if isinstance(upload, PreparedImage):
        return upload
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ImageRejected(_("The image file is empty."))
    if size > settings.IMAGE_MAX_BYTES:
        raise ImageRejected(
            _("The image may be at most %(max)s MB (this file is %(size)s MB).")
            % {"max": _megabytes(settings.IMAGE_MAX_BYTES), "size": _megabytes(size, up=True)}
        )
    unreadable = _("This file is not a JPEG, PNG or WebP image. Choose a photo or a picture in one of these formats.")
    try:
        upload.seek(0)
        # Opening reads the header only: the dimensions are known before any pixel is decoded.
        with Image.open(upload, formats=list(IMAGE_FORMATS)) as probe:
            kind = probe.format
            if probe.width * probe.height > settings.IMAGE_MAX_PIXELS:
                raise _too_many_pixels(probe.width, probe.height)
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=[kind]) as image:
            image.load()
            icc_profile = image.info.get("icc_profile")
            picture = ImageOps.exif_transpose(image)  # keep the orientation the EXIF data gave
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own guard (past twice its limit it refuses in open(), before our check).
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageRejected(unreadable) from error
    picture.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    picture = _pixels_only(_in_srgb(picture, icc_profile), kind)
    extension, content_type = IMAGE_FORMATS[kind]
    output = BytesIO()
    if kind == "JPEG":
        picture.save(output, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        picture.save(output, "PNG", optimize=True)
    else:
        picture.save(output, "WEBP", quality=85)
    return PreparedImage(output.getvalue(), extension=extension, content_type=content_type)


def _has_alpha(picture) -> bool:
    return picture.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in picture.info


def _in_srgb(picture, icc_profile):
    """The pixels converted from the file's colour profile to sRGB, so that the profile (which
    may carry a description, a maker, a copyright text) need not be stored; a profile that does
    not fit the pixels or cannot be read is dropped, the pixels left as they are."""
    if not icc_profile:
        return picture
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
        if picture.mode in ("RGB", "RGBA", "CMYK"):
            mode = "RGBA" if picture.mode == "RGBA" else "RGB"
            return ImageCms.profileToProfile(picture, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        pass
    return picture


def _pixels_only(picture, kind):
    """A new image holding the pixels and nothing else: no `info` (EXIF, XMP, comments, text
    chunks, profile), no palette, in a mode the output format stores."""
    if kind == "JPEG":
        mode = "L" if picture.mode == "L" else "RGB"
    elif _has_alpha(picture):
        mode = "RGBA"
    else:
        mode = "L" if picture.mode == "L" and kind == "PNG" else "RGB"
    if picture.mode != mode:
        picture = picture.convert(mode)
    return Image.frombytes(mode, picture.size, picture.tobytes())


def image_content_type(name: str) -> str | None:
    """The content type of a stored image by the extension prepare_image gave it (None: not one of ours)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(extension)
