"""The citizens' pages of complaints, one module per concept: intake (filing, following instead),
tracking, detail (a complaint's page, rating, the request for an additional answer) and public
(the list and the map). This module holds the channel's landing page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from seoul_portal.channels import channel_by_slug

from ..selectors import citizen_complaints, public_complaints

LANDING_RECENT = 5


@require_safe
def index(request):
    """File, track, browse; a signed-in citizen's own latest complaints; the latest public ones."""
    user = request.user
    mine = citizen_complaints(user, limit=LANDING_RECENT) if user.is_authenticated else []
    context = {
        "channel": channel_by_slug("complaints"),
        "mine": mine,
        "mine_panel": {"complaints": mine},
        "signed_in": user.is_authenticated,
        "recent": list(public_complaints()[:LANDING_RECENT]),
    }
    return render(request, "complaints/index.html", context)
