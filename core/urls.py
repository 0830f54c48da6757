from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("access-log/", views.access_log, name="access_log"),
    path("exports/", views.export_jobs, name="export_jobs"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export_job_download"),
    path("history/<str:app_label>/<str:model_name>/<int:pk>/", views.history, name="history"),
]
