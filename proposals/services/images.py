"""A proposal's optional image: the site's image intake (seoul_portal.images), its errors as
ProposalError on the image field, and the image's required text alternative."""

from django.utils.translation import gettext_lazy as _

from seoul_portal import images
from seoul_portal.images import IMAGE_MAX_BYTES, PreparedImage, image_content_type

from ..errors import ProposalError
from ..text import clean_text

IMAGE_ALT_MAX_LENGTH = 200

__all__ = ["IMAGE_ALT_MAX_LENGTH", "IMAGE_MAX_BYTES", "PreparedImage", "clean_image_alt", "image_content_type", "prepare_image"]


def prepare_image(upload) -> PreparedImage:
    """Check an uploaded file and re-encode it; raises ProposalError(field="image") with the reason."""
    try:
        return images.prepare_image(upload)
    except images.ImageRejected as error:
        raise ProposalError(error.message, field="image") from None


def clean_image_alt(image_alt, *, has_image) -> str:
    """The image's text alternative: required with an image, dropped without one."""
    if not has_image:
        return ""
    if not (image_alt or "").strip():
        raise ProposalError(_("Describe the image in a few words, for people who cannot see it."), field="image_alt")
    return clean_text(image_alt, field_name="image_alt", label=_("image description"), max_length=IMAGE_ALT_MAX_LENGTH)
