import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxin.settings.prod")
application = get_wsgi_application()

# Refuse to serve when the stored identity data cannot be decrypted with the configured field key (a restore
# without its key): better a clear message at start-up than 404/500 on every page that decrypts.
from core.checks import exit_if_field_key_cannot_decrypt  # noqa: E402

exit_if_field_key_cannot_decrypt()

# Long-lived objects loaded at start-up need no scanning by the full collector (p95 tail; see DESIGN.md).
# With gunicorn's preload_app this runs once in the master, before the workers fork.
gc.freeze()
