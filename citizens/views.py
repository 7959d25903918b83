import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .access import next_onboarding_step, participant_required, safe_next
from .backends import PHONE_CODE_BACKEND
from .forms import CodeForm, ConsentForm, DeleteAccountForm, PhoneForm, ProfileForm
from .phones import mask_phone
from .verification import RateLimited, VerificationFailed, get_verifier

SIGNIN_PHONE_KEY = "signin_phone"


def _with_next(url_name, next_url):
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _after_sign_in(request, citizen):
    next_url = safe_next(request)
    step = next_onboarding_step(citizen)
    return redirect(_with_next(step, next_url) if step else next_url)


@never_cache
@require_http_methods(["GET", "POST"])
def signin_phone(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            get_verifier().begin(phone=phone, ip=request.client_ip, language=translation.get_language())
        except RateLimited as limited:
            form.add_error("phone", limited.message)
        else:
            request.session[SIGNIN_PHONE_KEY] = phone
            messages.info(request, _("We sent a 6-digit code to %(phone)s.") % {"phone": mask_phone(phone)})
            return redirect(_with_next("citizens:signin_code", request.POST.get("next", "")))
    return render(request, "citizens/signin_phone.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
@require_http_methods(["GET", "POST"])
def signin_code(request):
    phone = request.session.get(SIGNIN_PHONE_KEY)
    if not phone:
        messages.info(request, _("Enter your mobile phone number first."))
        return redirect("citizens:signin")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            get_verifier().confirm(phone=phone, code=form.cleaned_data["code"])
            citizen, created = services.citizen_sign_in_by_phone(
                phone=phone, ip=request.client_ip, language=translation.get_language()
            )
        except VerificationFailed as failure:
            form.add_error("code", failure.message)
        except services.CitizenError as refusal:
            form.add_error(None, refusal.message)
        else:
            login(request, citizen, backend=PHONE_CODE_BACKEND)  # rotates the session key
            request.session.pop(SIGNIN_PHONE_KEY, None)
            messages.success(request, _("Welcome to the Seoul civic portal.") if created else _("You are signed in."))
            return _after_sign_in(request, citizen)
    context = {"form": form, "masked_phone": mask_phone(phone), "phone_form": PhoneForm(initial={"phone": phone}),
               "next": request.GET.get("next", "")}
    return render(request, "citizens/signin_code.html", context)


@require_POST
def signout(request):
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request):
    form = ConsentForm(request.POST if request.method == "POST" else None, initial={
        key: answer.granted for key, answer in selectors.consent_answers(request.user).items()
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(citizen=request.user, answers=form.cleaned_data, ip=request.client_ip)
        except services.CitizenError as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(request, _("Your answers have been saved."))
            return _after_sign_in(request, request.user)
    return render(request, "citizens/consent.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    citizen = request.user
    if services.missing_consents(citizen):
        return redirect(_with_next("citizens:consent", request.get_full_path()))
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=ProfileForm.initial_for(citizen))
    if request.method == "POST" and form.is_valid():
        try:
            services.citizen_update_profile(citizen=citizen, ip=request.client_ip, **form.cleaned_data)
        except services.CitizenError as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(request, _("Your profile has been saved."))
            response = redirect(safe_next(request))
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, citizen.language, samesite="Lax")
            return response
    return render(request, "citizens/profile.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
@participant_required
def me(request):
    citizen = request.user
    context = {
        "citizen": citizen,
        "panels": selectors.my_seoul_panels(citizen),
        "consents": selectors.consents_with_answers(citizen),
    }
    return render(request, "citizens/me.html", context)


@never_cache
@login_required
def export_data(request):
    citizen = request.user
    data = selectors.citizen_personal_data(citizen)
    services.citizen_record_export(citizen=citizen, ip=request.client_ip)
    body = json.dumps(
        {"exported_at": timezone.now().isoformat(), **data}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="seoul-portal-my-data-{stamp}.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.citizen_erase(citizen=request.user, ip=request.client_ip)
        except services.CitizenError as refusal:
            form.add_error(None, refusal.message)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted and your personal data erased."))
            return redirect("home")
    return render(request, "citizens/delete.html", {"form": form})
