from celery import shared_task

from .services import sign_in_records_purge


@shared_task(ignore_result=True)
def purge_sign_in_records():
    return sign_in_records_purge()
