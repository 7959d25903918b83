from django.urls import path

from .views import ballot_insert, ballot_insert_together, ready

urlpatterns = [
    path("cast/<int:poll_id>/", ballot_insert, name="minimal_cast"),
    path("cast-together/<int:poll_id>/", ballot_insert_together, name="minimal_cast_together"),
    path("ready/", ready, name="minimal_ready"),
]
