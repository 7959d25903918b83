from django.shortcuts import render

from seoul_portal.channels import channel_by_slug


def index(request):
    return render(request, "channel_index.html", {"channel": channel_by_slug("complaints")})
