import logging

from celery import shared_task

from .retention import personal_data_purge

logger = logging.getLogger(__name__)


@shared_task(name="seoul_portal.tasks.purge_personal_data", ignore_result=True)
def purge_personal_data():
    report = personal_data_purge()
    logger.info("Personal data purge: %s", "; ".join(report.lines()))
    return report.removed
