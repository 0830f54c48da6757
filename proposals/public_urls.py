from django.urls import path

from . import views

app_name = "proposals_public"
urlpatterns = [
    path("proposals/replies/", views.public_replies, name="replies"),
]
