"""Development: `make run`. DEBUG on, static files served by runserver."""

from .base import *  # noqa: F403

DEBUG = True
