from celery import shared_task

from .services import audit_ips_purge_expired, ledger_seal


# A seal that loses a race or meets a dead connection is simply redone by the next run a
# minute later (the beat schedule), so the task does not retry on its own.
@shared_task(ignore_result=True)
def seal_ledger():
    blocks = ledger_seal()
    return len(blocks)


@shared_task(ignore_result=True)
def purge_audit_ips():
    return audit_ips_purge_expired()
