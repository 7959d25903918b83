from django.http import HttpResponse


def _todo(request):
    return HttpResponse("")


signin_phone = signin_code = signout = me = consent = profile = export_data = delete_account = _todo
