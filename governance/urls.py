from django.urls import include, path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("", include("governance.urls_org")),
    path("", include("governance.urls_committees")),
]
