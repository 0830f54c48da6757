from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("minimums/", views.minimums, name="minimums"),
    path("summary/", views.work_summary, name="summary"),
    path("summary.docx", views.work_summary_docx, name="summary_docx"),
]
