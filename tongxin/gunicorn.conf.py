"""gunicorn for `make run` and production: `gunicorn -c tongxin/gunicorn.conf.py`.

Sized for a small machine (2 cores): a few worker processes with a few threads each. Requests spend much of their
time in the database and in template rendering, so threads help while one waits; processes give real parallelism.
Override with WEB_CONCURRENCY (processes) and GUNICORN_THREADS. The app is loaded once in the master and then
forked (`preload_app`), after `tongxin.wsgi` has run `gc.freeze()`: workers share the start-up objects
copy-on-write and the full garbage collector never scans them (the p95 tail; docs/benchmarks.md).
"""

import os

bind = (
    os.environ.get("GUNICORN_BIND")
    or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
wsgi_app = "tongxin.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
preload_app = True
# Exports and PDFs of large rosters take seconds; nothing legitimate takes a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak in a library never grows without bound (the app's own memory is
# flat: docs/benchmarks.md). Not often: each recycle starts a worker with cold caches, and closes its idle
# keep-alive connections — a client sending on one at that instant sees "connection closed" (browsers resend;
# the load test's client does not: at 5,000 a worker recycled every two minutes under load and lost a POST).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20_000))
max_requests_jitter = max_requests // 10
# The client address behind a reverse proxy (the citizens' form limits by address): trust only the proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "tongxin"
