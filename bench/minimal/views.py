"""The minimal ballot view: the statements a ballot writes and nothing else.

POST cast/<poll_id>/ with `citizen`, `voter_key`, `choices` (repeatable), `age_band`, `district`,
`gender` and `question_type` (what the portal reads from the signed-in citizen and the poll): in one transaction, the same INSERT of the participation row, INSERT of the
ballot, counter upsert (voting.tallies.tally_add, the very function ballot_cast calls) and
INSERT of the ledger entry that voting.services.ballots.ballot_cast executes, through the same
cursor (seoul_portal.statements.statement_cursor: bound on the server and prepared once per
connection, as the portal's are); 200 with the receipt as text. No session, no CSRF, no sign-in, no reading of the poll, no eligibility, no validation
beyond parsing, no template: what is left is the cost of the writes, the yardstick the portal's
full request is measured against. A second ballot of a citizen fails on the participation's
unique constraint (409), as in the portal, so that the exactly-once check holds here too.

POST cast-together/<poll_id>/ is the same view with its four statements sent to PostgreSQL
together (seoul_portal.statements.together, one round trip, as the portal's ballot sends its gate
and writes): not the yardstick, shown beside it so that the report says what that alone is worth.
"""

import uuid
from contextlib import nullcontext

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone

from audit import ledger
from audit.models import LedgerEntry
from seoul_portal.statements import statement_cursor, together
from voting.models import Ballot, Participation
from voting.ranking import format_ranking
from voting.services.ballots import ballot_commitment
from voting.tallies import tally_add


def insert(cursor, model, values: dict):
    """The INSERT Django's ORM issues for `model.objects.create(...)`: every concrete column, in
    the model's order, each value adapted by its field (a UUID as text on SQLite, a list as
    JSON). A column this view does not know fails loudly (KeyError) instead of being left out."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    names = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    cursor.execute(
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({placeholders})",  # noqa: S608
        [field.get_db_prep_save(values[field.column], connection) for field in fields],
    )


def ready(request):
    return HttpResponse("ready", content_type="text/plain")


def ballot_insert(request, poll_id):
    return _ballot_insert(request, poll_id, sent_together=False)


def ballot_insert_together(request, poll_id):
    return _ballot_insert(request, poll_id, sent_together=True)


def _ballot_insert(request, poll_id, *, sent_together):
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        citizen_id = int(request.POST["citizen"])
        choices = [int(value) for value in request.POST.getlist("choices")]
    except (KeyError, ValueError):
        return HttpResponse("citizen and choices are required", status=400, content_type="text/plain")
    question_type = request.POST.get("question_type", "single")
    snapshot = {
        "age_band": request.POST.get("age_band", ""),
        "district_code": request.POST.get("district", ""),
        "gender": request.POST.get("gender", ""),
    }
    receipt, salt = ledger.new_receipt(), ledger.new_salt()
    digest = ledger.receipt_digest(receipt)
    try:
        with transaction.atomic(), (together() if sent_together else nullcontext()), statement_cursor() as cursor:
            insert(
                cursor,
                Participation,
                {"id": uuid.uuid4(), "poll_id": poll_id, "citizen_id": citizen_id, "voted_on": timezone.localdate(),
                 "voter_key": request.POST.get("voter_key") or None, "mixed": False},
            )  # fmt: skip
            insert(
                cursor,
                Ballot,
                {"id": uuid.uuid4(), "poll_id": poll_id, "choices": choices, **snapshot, "salt": salt,
                 "receipt_digest": digest, "mixed": False},
            )  # fmt: skip
            tally_add(
                poll_id=poll_id,
                question_type=question_type,
                choices=choices,
                ranking=format_ranking(choices) if question_type == "ranked" else None,
                **snapshot,
            )
            insert(
                cursor,
                LedgerEntry,
                {"id": uuid.uuid4(), "scope": f"voting.poll:{poll_id}", "kind": "ballot",
                 "commitment": ballot_commitment(salt=salt, poll_id=poll_id, choices=choices),
                 "receipt_digest": digest, "block_id": None},
            )  # fmt: skip
    except IntegrityError:
        return HttpResponse("already voted", status=409, content_type="text/plain")
    return HttpResponse(receipt, content_type="text/plain")
