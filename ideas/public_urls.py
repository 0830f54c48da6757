from django.urls import path

from . import public_views

app_name = "ideas_public"
urlpatterns = [
    path("ideas/", public_views.idea_submit_view, name="submit"),
    path("ideas/status/", public_views.idea_lookup_view, name="lookup"),
]
