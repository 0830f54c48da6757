import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxin.settings.dev")
application = get_wsgi_application()
# Long-lived objects loaded at start-up need no scanning by the full collector (p95 tail; see DESIGN.md).
gc.freeze()
