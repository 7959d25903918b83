from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("", views.index, name="index"),
]
