"""meetings' views, one module per area. Each area module also lists its own `urlpatterns`
where it is new (scheduling, together), so that meetings/urls.py only gathers them."""
