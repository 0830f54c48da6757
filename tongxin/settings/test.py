"""Tests: fast hashing, in-memory email, a fixed field key. DATABASE_URL picks SQLite or PostgreSQL."""

import os

os.environ.setdefault("TONGXIN_FIELD_KEY", "oWfIMzmOnZr3Oi_ofVWjY3hFu3n-Ec8PkqTA4pOjpCQ=")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Each test process its own cache (cleared before every test by the root conftest).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Crash tests run real commands in subprocesses; files they write are shared with the test through a real
# directory when the test sets TONGXIN_TEST_MEDIA_DIR (both sides then use it).
if os.environ.get("TONGXIN_TEST_MEDIA_DIR"):
    STORAGES["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ["TONGXIN_TEST_MEDIA_DIR"]},
    }
