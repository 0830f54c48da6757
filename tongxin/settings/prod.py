"""Production: set SECRET_KEY, TONGXIN_FIELD_KEY, DATABASE_URL, ALLOWED_HOSTS in the environment.

Keys are never generated here (a missing one stops start-up with a message naming it). Served by gunicorn
(`tongxin/gunicorn.conf.py`) with static files from WhiteNoise after `manage.py collectstatic`. HTTPS: TLS ends at
the reverse proxy, which sets X-Forwarded-Proto; HSTS and the HTTPS redirect are on by default and configurable
(see docs/operations.md, "Production settings").
"""

import os

os.environ.setdefault("TONGXIN_GENERATE_SECRETS", "0")

from .base import *  # noqa: F403
from .base import MIDDLEWARE


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value in (None, "") else value.lower() in ("1", "true", "yes", "on")


DEBUG = False

# Static files served by the app itself (no CDN, no separate web server needed): hashed names, compressed,
# cached for a year by browsers.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Pages only ask for hashed names; compressing the unhashed twins and the source maps only slows collectstatic.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf", "flv"),
    *("woff", "woff2", "map", "json"),
]

# Cookies only over HTTPS; the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SESSION_COOKIE_SECURE = _env_flag("TONGXIN_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Redirect http → https here unless the proxy already does (TONGXIN_SSL_REDIRECT=0).
SECURE_SSL_REDIRECT = _env_flag("TONGXIN_SSL_REDIRECT", True)
# HSTS: one year by default; TONGXIN_HSTS_SECONDS=0 turns it off (e.g. while testing a new certificate).
SECURE_HSTS_SECONDS = int(os.environ.get("TONGXIN_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("TONGXIN_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_flag("TONGXIN_HSTS_PRELOAD", False)
# Whoever runs TLS in front of the app and turns these off has taken that duty over: say so to check --deploy.
SILENCED_SYSTEM_CHECKS = [
    *(["security.W008"] if not SECURE_SSL_REDIRECT else []),
    *(["security.W004"] if not SECURE_HSTS_SECONDS else []),
    # The browsers' preload list is for public sites; an intranet platform opts in only by choice.
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
    *(["security.W012", "security.W016"] if not SESSION_COOKIE_SECURE else []),
]
