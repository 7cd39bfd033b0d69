from __future__ import annotations

from reports.views import dashboard, exports

app_name = "reports"
urlpatterns = [*dashboard.urlpatterns, *exports.urlpatterns]
