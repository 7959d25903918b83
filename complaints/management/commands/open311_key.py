"""The API keys of Open311 apps.

    manage.py open311_key create NAME [--email DEVELOPER@EXAMPLE.ORG]   # prints the key, once
    manage.py open311_key list
    manage.py open311_key revoke NAME

Only the key's hash is stored: the key printed by `create` cannot be shown again. A lost key is
revoked and a new one created under another name.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.errors import ComplaintError
from complaints.models import Open311Key
from complaints.open311.keys import open311_key_create, open311_key_revoke


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = "Create, list and revoke the API keys Open311 apps post service requests with."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="Create a key for an app and print it (once).")
        create.add_argument("name", help="The app's name (unique).")
        create.add_argument("--email", default="", help="The app developer's email address.")
        actions.add_parser("list", help="List the apps' keys (prefix, dates, status), never the keys.")
        revoke = actions.add_parser("revoke", help="Revoke an app's key at once.")
        revoke.add_argument("name", help="The app's name.")

    def handle(self, *args, action, **options):
        try:
            if action == "create":
                return self._create(options["name"], options["email"])
            if action == "revoke":
                return self._revoke(options["name"])
            return self._list()
        except ComplaintError as error:
            raise CommandError(str(error.message)) from None

    def _create(self, name, email):
        row, key = open311_key_create(actor=None, name=name, contact_email=email)
        self.stdout.write(f"Created an Open311 API key for “{row.name}”.")
        self.stdout.write(f"Key: {key}")
        self.stdout.write(f"Prefix: {row.prefix}")
        self.stdout.write("Hand the key to the app's developer now: only its hash is kept, it cannot be shown again.")

    def _revoke(self, name):
        key = Open311Key.objects.filter(name=name).first()
        if key is None:
            raise CommandError(f"No Open311 app is named “{name}”.")
        key = open311_key_revoke(actor=None, key=key)
        self.stdout.write(f"Revoked the key of “{key.name}” (prefix {key.prefix}) at {_when(key.revoked_at)}.")

    def _list(self):
        keys = list(Open311Key.objects.order_by("name"))
        if not keys:
            self.stdout.write("No Open311 API keys yet.")
            return
        self.stdout.write("name\tprefix\tcreated\tlast used\tstatus")
        for key in keys:
            status = "active" if key.is_active else f"revoked {_when(key.revoked_at)}"
            self.stdout.write(f"{key.name}\t{key.prefix}\t{_when(key.created_at)}\t{_when(key.last_used_at)}\t{status}")
