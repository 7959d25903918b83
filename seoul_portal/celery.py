import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoul_portal.settings")

app = Celery("seoul_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
