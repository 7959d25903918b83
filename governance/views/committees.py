"""Public committee pages: the list, a committee, its published draws; volunteering for a draw."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import lottery
from ..errors import GovernanceError
from ..selectors import committees as selectors
from ..selectors.meetings import recent_held_for_committee, upcoming_for_committee
from ..services.committees import volunteer_register


class VolunteerForm(forms.Form):
    vulnerable = forms.BooleanField(
        label=gettext_lazy("I belong to a group the draw keeps seats for"),
        help_text=gettext_lazy("For example people with disabilities, recipients of basic livelihood support, or "
                               "multicultural families. Only this yes or no is kept, never the reason."),
        required=False,
    )


def committee_list(request):
    return render(request, "governance/committees/list.html", {"committees": selectors.public_committee_list()})


def committee_detail(request, slug):
    committee = selectors.public_committee(slug)
    volunteered = committee.accepts_volunteers and selectors.has_volunteered(committee, request.user)
    return render(request, "governance/committees/detail.html", {
        "committee": committee,
        "members": committee.current_members,
        "upcoming": upcoming_for_committee(committee),
        "recent": recent_held_for_committee(committee),
        "volunteered": volunteered,
        "volunteer_form": VolunteerForm() if committee.accepts_volunteers and not volunteered else None,
    })


def committee_draws(request, slug):
    committee = selectors.committee_by_slug(slug)
    return render(request, "governance/committees/draws.html", {
        "committee": committee,
        "draws": selectors.committee_draws(committee),
        "algorithm": lottery.ALGORITHM,
    })


def draw_data(request, slug, pk):
    """What is needed to re-run a published draw: seed, quotas, the pool's anonymous strata, the result.
    Vulnerable groups are given as a count only (see selectors.committees.PUBLIC_POOL_FIELDS)."""
    draw = selectors.draw_for_publication(slug, pk)
    response = JsonResponse(selectors.draw_public_data(draw), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="draw-{draw.committee.slug}-{draw.pk}.json"'
    return response


@require_POST
def committee_volunteer(request, slug):
    committee = selectors.committee_by_slug(slug)
    if not request.user.is_authenticated:
        # Back to the committee's page after signing in: this address only takes the form's POST.
        return redirect_to_login(reverse("governance:committee_detail", args=[committee.slug]))
    form = VolunteerForm(request.POST)
    form.is_valid()  # a single optional checkbox: always valid
    try:
        volunteer_register(actor=request.user, committee=committee, vulnerable=form.cleaned_data["vulnerable"],
                           ip=getattr(request, "client_ip", None))
    except GovernanceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: you are in the pool for the next draw."))
    return redirect("governance:committee_detail", slug=committee.slug)
