# Examples for `semgrep --test .semgrep/`: each `ruleid:` line must be found, each `ok:` must not.
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from proposals.models import Proposal


def search(request, table):
    term = request.GET["q"]
    with connection.cursor() as cursor:
        # ruleid: raw-sql-built-by-string-formatting
        cursor.execute(f"SELECT id FROM proposals_proposal WHERE title = '{term}'")
        # ruleid: raw-sql-built-by-string-formatting
        cursor.execute("SELECT id FROM proposals_proposal WHERE title = '%s'" % term)
        # ruleid: raw-sql-built-by-string-formatting
        cursor.execute("SELECT id FROM proposals_proposal WHERE title = '{}'".format(term))
        # ruleid: raw-sql-built-by-string-formatting
        cursor.execute("SELECT id FROM proposals_proposal WHERE title = '" + term + "'")
        # ruleid: raw-sql-built-by-string-formatting
        cursor.execute(
            f"SELECT id FROM {table} "
            f"WHERE title = '{term}'"
        )
        # ruleid: raw-sql-built-by-string-formatting
        sql = f"SELECT id FROM proposals_proposal WHERE title = '{term}'"
        cursor.execute(sql)
        # ok: raw-sql-built-by-string-formatting
        cursor.execute("SELECT id FROM proposals_proposal WHERE title = %s", [term])
    # ruleid: raw-sql-built-by-string-formatting
    Proposal.objects.raw(f"SELECT * FROM proposals_proposal WHERE title = '{term}'")
    # ok: raw-sql-built-by-string-formatting
    Proposal.objects.raw("SELECT * FROM proposals_proposal WHERE title = %s", [term])
    # ruleid: raw-sql-built-by-string-formatting
    Proposal.objects.annotate(hit=RawSQL(f"title = '{term}'", []))
    # ruleid: queryset-extra
    Proposal.objects.extra(where=["title = %s"], params=[term])


def render_title(proposal):
    # ruleid: mark-safe-on-non-literal
    shown = mark_safe(proposal.title)
    # ok: mark-safe-on-non-literal
    line_break = mark_safe("<br>")
    # ruleid: format-html-with-preformatted-string
    linked = format_html(f"<a href='/p/{proposal.pk}'>{proposal.title}</a>")
    # ok: format-html-with-preformatted-string
    escaped = format_html("<a href='/p/{}'>{}</a>", proposal.pk, proposal.title)
    return shown, line_break, linked, escaped


# ruleid: csrf-exempt-outside-signed-webhooks
@csrf_exempt
def vote(request):
    return None


# ok: csrf-exempt-outside-signed-webhooks
def signed_in_form(request):
    return None
