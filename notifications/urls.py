from django.urls import path

from . import webhooks

app_name = "notifications"
urlpatterns = [
    path("twilio/status/", webhooks.twilio_status, name="twilio_status"),
]
