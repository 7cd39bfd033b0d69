from __future__ import annotations

from meetings.views import checkins, circles, closing, scheduling, together

app_name = "meetings"
urlpatterns = [*together.urlpatterns]
urlpatterns += scheduling.urlpatterns
urlpatterns += checkins.urlpatterns
urlpatterns += closing.urlpatterns
urlpatterns += circles.urlpatterns
