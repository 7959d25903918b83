"""Pages and htmx fragments for debate."""

urlpatterns = []
