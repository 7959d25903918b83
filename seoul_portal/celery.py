import os

from celery import Celery

from seoul_portal import worker_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoul_portal.settings")

app = Celery("seoul_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
worker_connections.connect(app)
