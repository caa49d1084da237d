"""The Celery application: Redis broker, tasks discovered in the Django apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infohus.settings")

app = Celery("infohus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
