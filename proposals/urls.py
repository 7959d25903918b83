from .views import comments, debate, pages, questions

app_name = "proposals"
urlpatterns = [
    *pages.urlpatterns,
    *comments.urlpatterns,
    *debate.urlpatterns,
    *questions.urlpatterns,
]
