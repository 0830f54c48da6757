from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("export.xlsx", views.organisation_export, name="export"),
    path("new/", views.organisation_edit, name="create"),
    path("search/", views.organisation_search_view, name="search"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
]
