from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views

# Outside the language prefixes: machine-facing endpoints and the officials' back office.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("notifications.urls")),
    path("anymail/", include("notifications.anymail_urls")),
    path("complaints-inbound/", include("complaints.inbound.urls")),
    path("open311/v2/", include("complaints.open311.urls")),
]

# Korean at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("", include("citizens.urls")),
    path("ledger/", include("audit.urls")),
    path("proposals/", include("proposals.urls")),
    path("votes/", include("voting.urls")),
    path("budgeting/", include("budgeting.urls")),
    path("complaints/", include("complaints.urls")),
    path("opendata/", include("opendata.urls")),
    path("governance/", include("governance.urls")),
    path("review/", include("governance.urls_review")),
    prefix_default_language=False,
)

handler400 = "seoul_portal.views.bad_request"
handler403 = "seoul_portal.views.permission_denied"
handler404 = "seoul_portal.views.page_not_found"
handler500 = "seoul_portal.views.server_error"
