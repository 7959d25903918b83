"""The organisation, research and documents pages, included by governance/urls.py (namespace "governance")."""

from django.urls import path

from .views import documents, org, research

urlpatterns = [
    path("organisation/", org.org_chart, name="org_chart"),
    path("organisation/<slug:code>/", org.org_unit, name="org_unit"),
    path("research/", research.research_list, name="research_list"),
    path("research/<slug:slug>/", research.research_detail, name="research_detail"),
    path("documents/", documents.documents, name="document_list"),
    path("documents/<slug:slug>/", documents.document, name="document_detail"),
    path("documents/<slug:slug>/diff/", documents.document_diff_view, name="document_diff"),
]
