"""/open311/v2/ — included outside the language prefixes (namespace "open311"). Every resource
takes a format suffix; the suffix is checked by the view, so a wrong one gets an error document."""

from django.urls import re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<format>[^/.]+)"

urlpatterns = [
    re_path(rf"^discovery{FORMAT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FORMAT}$", views.services, name="services"),
    re_path(rf"^services/(?P<service_code>[^/]+?){FORMAT}$", views.service_definition, name="service_definition"),
    re_path(rf"^requests{FORMAT}$", views.requests, name="requests"),
    re_path(rf"^requests/(?P<service_request_id>[^/]+?){FORMAT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+?){FORMAT}$", views.token, name="token"),
    re_path(r"^openapi\.json$", views.openapi_document, name="openapi"),
    # Last: anything else is a 404 error document.
    re_path(r"^.*$", views.unknown, name="unknown"),
]
