from django.urls import path

from .views import ballot_insert, ready

urlpatterns = [
    path("cast/<int:poll_id>/", ballot_insert, name="minimal_cast"),
    path("ready/", ready, name="minimal_ready"),
]
