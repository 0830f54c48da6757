from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("access-log/", views.access_log, name="access_log"),
    path("history/<str:app_label>/<str:model_name>/<int:pk>/", views.history, name="history"),
]
