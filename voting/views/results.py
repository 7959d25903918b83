"""Results, CSV export, the poll's ledger, receipt checks and the results-into-policy page."""

urlpatterns = []
