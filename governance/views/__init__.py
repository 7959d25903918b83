"""Views of the governance records: one module per concept (org, research, documents,
committees, meetings, review); the hub page lives here."""

from django.shortcuts import render


def index(request):
    return render(request, "governance/index.html")
