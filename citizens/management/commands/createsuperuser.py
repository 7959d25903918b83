"""Create an official's superuser account with email and password.

Replaces django.contrib.auth's command: the email column here is encrypted and found through a
blind index, which the stock command (built around a plain USERNAME_FIELD) cannot fill in.
"""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core import exceptions
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from citizens.models import Citizen, email_blind_index, normalize_email


class Command(BaseCommand):
    help = "Create a staff superuser who signs in to /admin/ with email and password."

    def add_arguments(self, parser):
        parser.add_argument("--email", help="Email address (or DJANGO_SUPERUSER_EMAIL).")
        parser.add_argument("--name", default="", help="Display name.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="Take email and password from DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD.",
        )

    def handle(self, *args, email=None, name="", interactive=True, **options):
        email = normalize_email(email or os.environ.get("DJANGO_SUPERUSER_EMAIL", ""))
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if interactive:
            while not email:
                email = normalize_email(input("Email: "))
            while True:
                password = getpass.getpass("Password: ")
                if password != getpass.getpass("Password (again): "):
                    self.stderr.write("Error: the two passwords didn't match.")
                    continue
                try:
                    validate_password(password, Citizen(name=name))
                except exceptions.ValidationError as error:
                    self.stderr.write("\n".join(error.messages))
                    continue
                break
        if not email or not password:
            raise CommandError("An email and a password are needed (DJANGO_SUPERUSER_EMAIL, DJANGO_SUPERUSER_PASSWORD).")
        try:
            validate_email(email)
        except exceptions.ValidationError:
            raise CommandError(f"Not an email address: {email!r}") from None
        if Citizen.objects.filter(email_index=email_blind_index(email)).exists():
            raise CommandError("An account with this email already exists.")
        Citizen.objects.create_superuser(email=email, password=password, name=name)
        self.stdout.write(self.style.SUCCESS("Superuser created."))
