"""Provider callbacks. Machine-facing: plain-text reasons in English, 4xx for anything wrong."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from .errors import NotificationNotFound
from .models import Notification
from .tracking import record_provider_status

TWILIO_STATUSES = {
    "accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered", "failed",
    "read", "canceled", "partially_delivered",
}


def twilio_signature_is_valid(request) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    # Twilio signed the URL it was given, PUBLIC_BASE_URL + path; behind a proxy the URL this
    # request arrived at (request.build_absolute_uri()) differs.
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.POST, signature)


# nosemgrep: csrf-exempt-outside-signed-webhooks -- Twilio's signature is checked before anything is read
@csrf_exempt
@require_POST
def twilio_status(request):
    if not twilio_signature_is_valid(request):
        return HttpResponseForbidden("Invalid or missing X-Twilio-Signature.", content_type="text/plain")
    sid = request.POST.get("MessageSid", "")
    status = request.POST.get("MessageStatus", "")
    if not sid or not status:
        return HttpResponseBadRequest("MessageSid and MessageStatus are required.", content_type="text/plain")
    if status not in TWILIO_STATUSES:
        return HttpResponseBadRequest(f"Unknown MessageStatus {status!r}.", content_type="text/plain")
    reference = request.GET.get("notification", "")
    error_code = request.POST.get("ErrorCode", "")
    try:
        record_provider_status(
            channel=Notification.Channel.SMS,
            provider_message_id=sid,
            status=status,
            error=f"Twilio error {error_code}" if error_code else "",
            notification_id=int(reference) if reference.isdigit() else None,
        )
    except NotificationNotFound:
        return HttpResponseNotFound("No notification has this MessageSid.", content_type="text/plain")
    return HttpResponse(status=204)
