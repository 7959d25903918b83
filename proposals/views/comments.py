"""Pages and htmx fragments for comments."""

urlpatterns = []
