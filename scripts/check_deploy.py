"""Django's deployment checklist (`manage.py check --deploy`) against the production settings: the
settings as they resolve when the portal serves a public host with DEBUG off and every secret set
(fresh random values here, used once and never stored). Run by `make lint`; any warning fails it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]

# Left to the defaults production gets from a SECRET_KEY and DEBUG off (SSL redirect, HSTS, secure
# cookies): a developer's shell that turned one of them off must not make the check pass.
PRODUCTION_DEFAULTS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
)


def production_environment() -> dict:
    environment = {name: value for name, value in os.environ.items() if name not in PRODUCTION_DEFAULTS}
    environment.update(
        DJANGO_SETTINGS_MODULE="seoul_portal.settings",
        DEBUG="false",
        ALLOWED_HOSTS="civic.seoul.example",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        BLIND_INDEX_KEY=secrets.token_urlsafe(32),
    )
    return environment


def main() -> int:
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.call(command, cwd=ROOT, env=production_environment())


if __name__ == "__main__":
    sys.exit(main())
