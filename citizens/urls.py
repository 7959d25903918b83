from django.urls import path

from . import views

app_name = "citizens"
urlpatterns = [
    path("signin/", views.signin_phone, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("signout/", views.signout, name="signout"),
    path("me/", views.me, name="me"),
    path("me/consent/", views.consent, name="consent"),
    path("me/profile/", views.profile, name="profile"),
    path("me/export.json", views.export_data, name="export"),
    path("me/delete/", views.delete_account, name="delete"),
]
