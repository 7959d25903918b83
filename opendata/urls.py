"""/opendata/ (namespace "opendata")."""

from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.dataset_index, name="index"),
    path("data_dictionary.json", views.dictionary_json, name="dictionary_json"),
    # A slug has no dot, so "complaints.csv" never reaches the dictionary page's pattern.
    path("<slug:slug>.csv", views.dataset_csv, name="csv"),
    path("<slug:slug>.json", views.dataset_json, name="json"),
    path("<slug:slug>/", views.dataset_dictionary, name="dataset"),
]
