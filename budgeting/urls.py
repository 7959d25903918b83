from .views import ballots, cycles, monitoring, projects, results

app_name = "budgeting"
urlpatterns = [*cycles.urls, *projects.urls, *ballots.urls, *results.urls, *monitoring.urls]
