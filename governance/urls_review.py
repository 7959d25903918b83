"""The committee members' workspace, mounted at /review/ (inside the language prefixes)."""

from django.urls import path

from .views import review

app_name = "review"
urlpatterns = [
    path("", review.index, name="index"),
    path("items/<int:pk>/", review.item_detail, name="item"),
    path("items/<int:pk>/conflict/", review.conflict_declare_view, name="conflict"),
    path("items/<int:pk>/close/", review.item_close, name="close"),
]
