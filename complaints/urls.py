"""The citizens' pages of complaints, under /complaints/ (Korean) and /en/complaints/."""

from django.urls import path, register_converter

from . import views
from .views import density, detail, intake, public, stats, tracking, trends


class TrackingNumberConverter:
    """`2026-0001234`: the year and the complaint's number in it."""

    regex = "[0-9]{4}-[0-9]{7,9}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TrackingNumberConverter, "complaint_number")

app_name = "complaints"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", intake.new, name="new"),
    path("new/categories/", intake.categories, name="categories"),
    path("new/category-fields/", intake.category_fields, name="category_fields"),
    path("new/nearby/", intake.nearby, name="nearby"),
    path("new/guest-code/", intake.guest_code, name="guest_code"),
    path("track/", tracking.track, name="track"),
    path("track/link/<str:token>/", tracking.claim, name="claim"),
    path("list/", public.complaint_list, name="list"),
    path("map/", public.complaint_map, name="map"),
    path("map/complaints.geojson", public.map_data, name="map_data"),
    path("map/districts.geojson", public.boundaries, name="boundaries"),
    path("stats/", stats.dashboard, name="stats"),
    path("stats/<slug:table>.csv", stats.table_csv, name="stats_csv"),
    path("stats/trends/", trends.trending, name="trends"),
    path("stats/map/", density.density_map, name="density"),
    path("stats/map/cells.geojson", density.cells_geojson, name="density_cells"),
    path("<complaint_number:tracking_number>/", detail.detail, name="detail"),
    path("<complaint_number:tracking_number>/filed/", intake.filed, name="filed"),
    path("<complaint_number:tracking_number>/follow/", intake.follow, name="follow"),
    path("<complaint_number:tracking_number>/rate/", detail.rate, name="rate"),
    path("<complaint_number:tracking_number>/reopen/", detail.reopen, name="reopen"),
    path("<complaint_number:tracking_number>/photos/<int:position>/", detail.photo, name="photo"),
]
