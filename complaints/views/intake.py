"""Filing a complaint in the browser (complaints:new) and the htmx helpers of its form: the
category search, the category's notice and questions, the open complaints near the pin, the
guest's SMS code, following a complaint instead of filing it again, and the confirmation.

Without JavaScript the form is a plain multipart POST (the category a grouped select, the place
an address); htmx swaps fragments in (partials/) and the map places a pin. A signed-in citizen
files under their account; a guest gives a mobile phone and the code sent to it. Whatever the
service refuses comes back on the field it names, and nothing is written.
"""

from urllib.parse import urlencode

import phonenumbers
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from citizens.access import next_onboarding_step, safe_next
from citizens.models import phone_blind_index
from citizens.phones import mask_phone
from citizens.verification import RateLimited, VerificationFailed, get_verifier
from notifications.services import contact_for_phone

from ..errors import ComplaintError
from ..forms.intake import GuestPhoneFields, GuestPhoneForm, IntakeForm, initial_from
from ..geography import BadCoordinates, district_code_at, parse_coordinates
from ..models import Channel
from ..selectors import category_search, complaint_by_number, grouped_categories, intake_category
from ..selectors import nearby_open_complaints as find_nearby
from ..services.following import complaint_follow
from ..services.intake import Filer, Location, complaint_file
from . import limits
from .access import (
    grant_filer_access,
    is_filer,
    mark_guest_verified,
    phone_code_was_sent_to,
    remember_code_sent,
    session_filed_ids,
    verified_guest_phone,
)
from .maps import allow_map_tiles, map_settings

SEARCH_MAX_LENGTH = 100


def _onboarding_redirect(request):
    """A signed-in citizen who has not finished onboarding goes there first, and comes back."""
    if not request.user.is_authenticated:
        return None
    step = next_onboarding_step(request.user)
    if step is None:
        return None
    return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def _citizen(request):
    return request.user if request.user.is_authenticated else None


def _channel(request) -> str:
    # Phones' browsers say "Mobi" in their user agent (the convention MDN documents).
    return Channel.MOBILE if "Mobi" in request.META.get("HTTP_USER_AGENT", "") else Channel.WEB


def _see_other(url) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _nearby_for(request, category, latitude, longitude) -> list:
    """The open complaints near a point inside Seoul, or none (no category, no valid point)."""
    if category is None or latitude in (None, "") or longitude in (None, ""):
        return []
    try:
        lat, lon = parse_coordinates(latitude, longitude)
    except BadCoordinates:
        return []
    if district_code_at(lat, lon) is None:
        return []
    return find_nearby(
        category=category, latitude=lat, longitude=lon, viewer=request.user, own_ids=session_filed_ids(request)
    )


def _phone_initial(request) -> str:
    """The phone this session verified or last asked a code for, as people write it (010-1234-5678)."""
    phone = verified_guest_phone(request) or phone_code_was_sent_to(request)
    if not phone:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(phone, "KR"), phonenumbers.PhoneNumberFormat.NATIONAL)


def _guest_status(request, *, verified=""):
    sent_to = phone_code_was_sent_to(request)
    if verified:
        return {"text": _("Your phone %(phone)s is verified.") % {"phone": mask_phone(verified)}, "error": False}
    if sent_to:
        return {"text": _("We sent a 6-digit code to %(phone)s.") % {"phone": mask_phone(sent_to)}, "error": False}
    return None


def _render_form(request, form, *, status=200, guest_status=None):
    data = form.data if form.is_bound else {}
    nearby = _nearby_for(request, form.chosen_category, data.get("latitude"), data.get("longitude"))
    verified = "" if form.citizen else form.verified_phone
    context = {
        "form": form,
        "category": form.chosen_category,
        "nearby": nearby,
        "nearby_asked": bool(nearby),
        "map": map_settings(),
        "guest_status": guest_status or _guest_status(request, verified=verified),
    }
    return allow_map_tiles(render(request, "complaints/new.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def new(request):
    onboarding = _onboarding_redirect(request)
    if onboarding:
        return onboarding
    citizen = _citizen(request)
    verified = "" if citizen else verified_guest_phone(request)
    if request.method != "POST":
        initial = {"category": request.GET.get("category", "")[:40], "phone": "" if citizen else _phone_initial(request)}
        form = IntakeForm(initial=initial, citizen=citizen, verified_phone=verified)
        return _render_form(request, form)
    form = IntakeForm(request.POST, request.FILES, citizen=citizen, verified_phone=verified)
    if not form.is_valid():
        return _render_form(request, form)
    filer_key = f"citizen:{citizen.pk}" if citizen else phone_blind_index(form.cleaned_data["phone"])
    if limits.filing_blocked(request.client_ip, filer_key):
        form.add_error(None, _(
            "Too many complaints have been filed from here in the past hour. Please try again in %(minutes)d "
            "minutes, or call the Dasan Call Center at 120."
        ) % {"minutes": limits.minutes_to_next_window()})  # fmt: skip
        return _render_form(request, form, status=429)
    if citizen is None and form.needs_code:
        try:
            get_verifier().confirm(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
        except VerificationFailed as failure:
            form.add_error("code", failure.message)
            return _render_form(request, form)
        mark_guest_verified(request, form.cleaned_data["phone"])
        form.verified_phone = form.cleaned_data["phone"]
    try:
        complaint = _file(request, form, citizen)
    except ComplaintError as error:
        form.add_complaint_error(error)
        return _render_form(request, form)
    limits.count_filing(request.client_ip, filer_key)
    grant_filer_access(request, complaint)
    return _see_other(reverse("complaints:filed", args=[complaint.tracking_number]))


def _file(request, form, citizen):
    data = form.cleaned_data
    language = translation.get_language() or "ko"
    # The guest's contact and the complaint commit together: a refused complaint leaves no contact.
    with transaction.atomic():
        if citizen is not None:
            filer = Filer(citizen=citizen, preference=data["contact_preference"], language=language)
        else:
            contact = contact_for_phone(data["phone"], language=language)
            filer = Filer(contact=contact, preference=data["contact_preference"], language=language)
        return complaint_file(
            channel=_channel(request),
            category=data["category"],
            title=data["title"],
            description=data["description"],
            location=Location(latitude=data["latitude"] or None, longitude=data["longitude"] or None,
                              address=data["address"]),  # fmt: skip
            is_public=form.is_public,
            answers=form.answers,
            photos=data["photos"],
            filer=filer,
        )


@never_cache
@require_safe
def filed(request, tracking_number):
    """The confirmation, to the session that filed the complaint (anyone else: 404)."""
    complaint = complaint_by_number(tracking_number)
    if complaint is None or not is_filer(request, complaint):
        raise Http404("no such complaint")
    return render(request, "complaints/filed.html", {"complaint": complaint})


# --- The category -------------------------------------------------------------------------


@require_safe
def categories(request):
    """Search the categories (htmx: the results under the search box; without JavaScript a page
    whose results link to the form with the category chosen)."""
    query = request.GET.get("q", "")[:SEARCH_MAX_LENGTH].strip()
    context = {"query": query, "found": category_search(query) if query else []}
    if request.htmx:
        return render(request, "complaints/partials/category_results.html", context)
    context["groups"] = grouped_categories()
    return render(request, "complaints/categories.html", context)


@require_safe
def category_fields(request):
    """The chosen category's notice and extra questions, as form fields (an htmx fragment)."""
    code = request.GET.get("category", "")[:40]
    form = IntakeForm(initial={"category": code}, citizen=_citizen(request))
    context = {"form": form, "category": form.chosen_category, "unknown": bool(code) and form.chosen_category is None}
    return render(request, "complaints/partials/category_fields.html", context)


@require_safe
def nearby(request):
    """Open complaints of the category within 250 m of the pin (an htmx fragment)."""
    params = request.GET
    category = intake_category(params.get("category", "")[:40])
    latitude = params.get("lat", params.get("latitude"))
    longitude = params.get("lon", params.get("longitude"))
    found = _nearby_for(request, category, latitude, longitude)
    asked = category is not None and bool(latitude) and bool(longitude)
    return render(request, "complaints/partials/nearby.html", {"nearby": found, "nearby_asked": asked})


# --- A guest's phone --------------------------------------------------------------------------


@never_cache
@require_POST
def guest_code(request):
    """Send an SMS code to a guest's phone. htmx: the status line of the phone fields. Without
    JavaScript, from the intake form (its "Send code" button posts the whole form here): the form
    again as it was; from elsewhere: back to `next`."""
    form = GuestPhoneForm(request.POST)
    status, message, error = 200, "", False
    if not form.is_valid():
        status, message, error = 400, form.errors["phone"][0], True
    else:
        phone = form.cleaned_data["phone"]
        try:
            get_verifier().begin(phone=phone, ip=request.client_ip, language=translation.get_language() or "ko")
        except RateLimited as limited:
            status, message, error = 429, str(limited.message), True
        else:
            remember_code_sent(request, phone)
            message = _("We sent a 6-digit code to %(phone)s. Enter it below.") % {"phone": mask_phone(phone)}
    guest_status = {"text": message, "error": error}
    if request.htmx:
        # htmx swaps 4xx answers only for 400, 409 and 422 (base.html's htmx-config).
        return render(request, "complaints/partials/guest_code_status.html", {"guest_status": guest_status},
                      status=422 if error else 200)  # fmt: skip
    if request.POST.get("form") == "intake":
        citizen = _citizen(request)
        verified = "" if citizen else verified_guest_phone(request)
        intake = IntakeForm(initial=initial_from(request.POST), citizen=citizen, verified_phone=verified)
        return _render_form(request, intake, status=status, guest_status=guest_status)
    if error:
        messages.error(request, message)
    else:
        messages.info(request, message)
    return _see_other(safe_next(request, default="complaints:new"))


# --- Follow instead of filing again -----------------------------------------------------------


def _followable(request, tracking_number):
    complaint = complaint_by_number(tracking_number)
    if complaint is None or complaint.category_id is None or not (complaint.is_public or is_filer(request, complaint)):
        raise Http404("no such complaint")
    return complaint


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request, tracking_number):
    """Follow a complaint: a citizen with their account, a guest with their verified phone (the
    code is asked for here when this session has not confirmed one)."""
    onboarding = _onboarding_redirect(request)
    if onboarding:
        return onboarding if not request.htmx else _htmx_redirect(onboarding.url)
    complaint = _followable(request, tracking_number)
    citizen = _citizen(request)
    verified = "" if citizen else verified_guest_phone(request)
    form = None if citizen else GuestPhoneFields(
        request.POST if request.method == "POST" and (request.POST.get("phone") or not verified) else None,
        verified_phone=verified, initial={"phone": _phone_initial(request)},
    )  # fmt: skip
    if request.method != "POST":
        return _follow_page(request, complaint, form, verified)
    contact = None
    if citizen is None:
        phone = verified
        if form.is_bound:
            if not form.is_valid():
                return _follow_refused(request, complaint, form, verified, _first_error(form))
            phone = form.cleaned_data["phone"]
            if form.needs_code:
                try:
                    get_verifier().confirm(phone=phone, code=form.cleaned_data["code"])
                except VerificationFailed as failure:
                    form.add_error("code", failure.message)
                    return _follow_refused(request, complaint, form, verified, failure.message)
                mark_guest_verified(request, phone)
    try:
        # A refused follow leaves no contact behind.
        with transaction.atomic():
            if citizen is None:
                contact = contact_for_phone(phone, language=translation.get_language() or "ko")
            _follower, created = complaint_follow(complaint=complaint, citizen=citizen, contact=contact)
    except ComplaintError as refusal:
        return _follow_refused(request, complaint, form, verified, refusal.message)
    text = (
        _("You now follow complaint %(number)s: you will be told when it is answered.")
        if created
        else _("You already follow complaint %(number)s.")
    ) % {"number": complaint.tracking_number}
    if request.htmx:
        context = {"complaint": complaint, "result": {"text": text, "error": False}}
        return render(request, "complaints/partials/follow_result.html", context)
    messages.success(request, text)
    return _see_other(reverse("complaints:detail", args=[complaint.tracking_number]))


def _first_error(form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return ""


def _follow_page(request, complaint, form, verified, *, status=200):
    context = {"complaint": complaint, "form": form, "verified": verified,
               "guest_status": _guest_status(request, verified=verified)}  # fmt: skip
    return render(request, "complaints/follow.html", context, status=status)


def _follow_refused(request, complaint, form, verified, message):
    if request.htmx:
        context = {"complaint": complaint, "result": {"text": message, "error": True}}
        return render(request, "complaints/partials/follow_result.html", context, status=422)
    if form is not None and form.is_bound and form.errors:
        return _follow_page(request, complaint, form, verified, status=400)
    messages.error(request, message)
    return _see_other(reverse("complaints:detail", args=[complaint.tracking_number]))


def _htmx_redirect(url):
    return HttpResponseClientRedirect(url)
