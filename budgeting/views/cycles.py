from django.shortcuts import render
from django.urls import path

from seoul_portal.channels import channel_by_slug


def index(request):
    return render(request, "channel_index.html", {"channel": channel_by_slug("budgeting")})


urls = [
    path("", index, name="index"),
]
