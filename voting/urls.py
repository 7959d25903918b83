from .views import pages, results

app_name = "voting"
urlpatterns = pages.urlpatterns + results.urlpatterns
