"""{% file_url "proposals:image" proposal.pk %}: the link to an uploaded file (seoul_portal.uploads.file_link),
on settings.MEDIA_HOST when there is one. Use it only where the page has checked that the viewer
may see the file (the link, signed, lets whoever holds it fetch the file for a while)."""

from django import template

from seoul_portal.uploads import file_link

register = template.Library()


@register.simple_tag
def file_url(viewname, *args):
    return file_link(viewname, *args)
