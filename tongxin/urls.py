"""URLs: each domain app with a `urls` module is mounted at /<app>/, core at /; the API at /api/v1/."""

import importlib.util

from django.conf import settings
from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/", include("accounts.urls")),
]

for app in settings.DOMAIN_APPS:
    if app in ("core", "accounts") or importlib.util.find_spec(f"{app}.urls") is None:
        continue
    urlpatterns.append(path(f"{app}/", include(f"{app}.urls")))

# Public pages (no login), e.g. citizens' ideas, live under /public/ and are declared by apps in `public_urls`.
for app in settings.DOMAIN_APPS:
    if importlib.util.find_spec(f"{app}.public_urls") is not None:
        urlpatterns.append(path("public/", include(f"{app}.public_urls")))

urlpatterns.append(path("", include("core.urls")))

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
