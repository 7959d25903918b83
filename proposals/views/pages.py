"""The proposals' own pages: list and search, detail, writing and publishing, supporting."""

from django.shortcuts import render
from django.urls import path

from seoul_portal.channels import channel_by_slug


def index(request):
    return render(request, "channel_index.html", {"channel": channel_by_slug("proposals")})


urlpatterns = [
    path("", index, name="index"),
]
