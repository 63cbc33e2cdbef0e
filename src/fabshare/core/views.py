"""Views every app shares."""

from pathlib import Path

import plotly
from django.http import FileResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@require_safe
@cache_control(max_age=86400, public=True)
def plotly_js(request):
    """plotly.js from the installed ``plotly`` package (no CDN), for every page with charts
    (drawn by ``fabshare/charts.js``)."""
    return FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript")
