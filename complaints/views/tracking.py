"""The tracking page: a complaint's status for anyone with its number and the phone's last four
digits (the complaints slice fills this in)."""

from django.http import HttpResponse


def track(request):
    return HttpResponse(status=501)
