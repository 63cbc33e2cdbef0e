"""Pages of the onboarding import (CSV/XLSX of organizations and resources)."""

urlpatterns: list = []
