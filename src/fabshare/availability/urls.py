"""Pages of the availability app."""

urlpatterns: list = []
