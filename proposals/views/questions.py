"""Pages and htmx fragments for questions."""

urlpatterns = []
