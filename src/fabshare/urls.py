from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from fabshare.api import api
from fabshare.core.views import plotly_js

admin.site.site_header = "fabshare"
admin.site.site_title = "fabshare admin"

urlpatterns = [
    path("", include("fabshare.network.urls")),
    path("", include("fabshare.catalog.urls")),
    path("", include("fabshare.catalog.import_urls")),
    path("", include("fabshare.availability.urls")),
    path("", include("fabshare.demand.urls")),
    path("", include("fabshare.matching.urls")),
    path("", include("fabshare.knowledge.urls")),
    path("", include("fabshare.telemetry.urls")),
    path("", include("fabshare.bookings.urls")),
    path("", include("fabshare.planning.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("plotly.min.js", plotly_js, name="plotly_js"),
    path("admin/", admin.site.urls),
    # Logos are public. Other uploads (resource photos, datasheets) are served only through
    # views that check who may see them, never from here.
    path(f"{settings.MEDIA_URL.strip('/')}/logos/<path:path>", serve,
         {"document_root": settings.MEDIA_ROOT / "logos"}),
]
