from django.core.management.base import BaseCommand

from audit.services import audit_ips_purge_expired, ip_retention


class Command(BaseCommand):
    help = (
        "Destroy the client IP addresses of audit events older than AUDIT_IP_RETENTION_DAYS (default 730, "
        "PIPA); the events themselves stay. Run it daily."
    )

    def handle(self, *args, **options):
        deleted = audit_ips_purge_expired()
        self.stdout.write(f"Destroyed {deleted} audit IP address(es) older than {ip_retention().days} days.")
