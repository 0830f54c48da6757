from django.urls import path

from . import views

app_name = "opinions"
urlpatterns = [
    path("", views.report_list_view, name="list"),
    path("export.xlsx", views.report_export, name="export"),
    path("new/", views.report_edit, name="create"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/transition/", views.report_transition_view, name="transition"),
]
