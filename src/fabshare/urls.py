from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from fabshare.api import api

admin.site.site_header = "fabshare"
admin.site.site_title = "fabshare admin"

urlpatterns = [
    path("", include("fabshare.network.urls")),
    path("", include("fabshare.catalog.urls")),
    path("", include("fabshare.catalog.import_urls")),
    path("", include("fabshare.availability.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Uploaded files (logos). Behind a reverse proxy or S3 in large installations; served by
    # Django here so the demo and a single-server install work out of the box.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve,
         {"document_root": settings.MEDIA_ROOT}),
]
