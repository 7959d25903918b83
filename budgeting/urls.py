from .views import ballots, cycles, projects, results

app_name = "budgeting"
urlpatterns = [*cycles.urls, *projects.urls, *ballots.urls, *results.urls]
