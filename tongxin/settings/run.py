"""`make run`: the production settings on plain http://127.0.0.1 for a demo or a trial on one machine.

Same as production (DEBUG off, gunicorn, WhiteNoise, the app's own Chinese error pages, the same middleware and
security headers) except: keys are generated into var/ on first run, and since there is no TLS here, cookies are
not marked Secure, there is no redirect to https and no HSTS. Never expose this on a network: use
`tongxin.settings.prod` behind a TLS proxy (docs/operations.md).
"""

import os

os.environ.setdefault("TONGXIN_GENERATE_SECRETS", "1")
os.environ.setdefault("TONGXIN_SECURE_COOKIES", "0")
os.environ.setdefault("TONGXIN_SSL_REDIRECT", "0")
os.environ.setdefault("TONGXIN_HSTS_SECONDS", "0")

from .prod import *  # noqa: F403
