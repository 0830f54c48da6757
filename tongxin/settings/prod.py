"""Production: set SECRET_KEY, TONGXIN_FIELD_KEY, DATABASE_URL, ALLOWED_HOSTS in the environment."""

from .base import *  # noqa: F403

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = False  # TLS ends at the reverse proxy; see docs/operations.md
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
