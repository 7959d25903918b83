"""Twilio's inbound-message webhook: an SMS to the city's number becomes a complaint in triage.

Machine-facing: Twilio is answered with an empty TwiML document (no reply from here: the
tracking number goes out through the outbox, as every notice does) and a 200 whenever the
message was understood, also when it is refused (flooding, an empty text, a sender that is not a
Korean mobile), since Twilio would only deliver it again. Only an unsigned or badly signed request
gets a 403, with nothing written. Pictures of an MMS (NumMedia, MediaUrl0...) are not fetched: the
intake desk asks for them through the web form if the complaint needs them.
"""

import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from citizens.phones import mask_phone, normalize_mobile
from notifications.services import contact_for_phone
from notifications.webhooks import twilio_signature_is_valid

from ..models import Channel
from .filing import Outcome, file_inbound

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def twiml_ok() -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="application/xml")


# nosemgrep: csrf-exempt-outside-signed-webhooks -- Twilio's signature is checked before anything is read
@csrf_exempt
@require_POST
def sms_received(request):
    if not twilio_signature_is_valid(request):
        return HttpResponseForbidden("Invalid or missing X-Twilio-Signature.", content_type="text/plain")
    sid = request.POST.get("MessageSid", "").strip()
    if not sid:
        return HttpResponseBadRequest("MessageSid is required.", content_type="text/plain")
    try:
        phone = normalize_mobile(request.POST.get("From", ""))
    except ValidationError:
        # Notices go out by SMS only to Korean mobiles (short codes, landlines, abroad: no reply possible).
        logger.info("Inbound SMS %s ignored: the sender is not a Korean mobile number", sid)
        return twiml_ok()
    receipt = file_inbound(
        channel=Channel.SMS, contact_for=partial(contact_for_phone, phone), message_id=sid,
        description=request.POST.get("Body", ""),
    )  # fmt: skip
    if receipt.outcome == Outcome.FLOODED:
        logger.warning("Inbound SMS %s from %s refused: more than the %s's limit of complaints by SMS",
                       sid, mask_phone(phone), receipt.limit)  # fmt: skip
    elif receipt.outcome == Outcome.EMPTY:
        logger.info("Inbound SMS %s from %s ignored: no text", sid, mask_phone(phone))
    elif receipt.outcome == Outcome.ALREADY_FILED:
        logger.info("Inbound SMS %s delivered again: already complaint %s", sid, receipt.complaint.tracking_number)
    return twiml_ok()
