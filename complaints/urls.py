from django.urls import path

from . import views
from .views import tracking

app_name = "complaints"
urlpatterns = [
    path("", views.index, name="index"),
    path("track/", tracking.track, name="track"),
]
