from django.urls import path

from . import import_views, views

app_name = "members"
urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("me/", views.person_me, name="me"),
    path("search/", views.person_search, name="search"),
    path("new/", views.person_edit, name="create"),
    path("export.xlsx", views.export_excel, name="export"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("contacts.pdf", views.export_pdf, name="export_pdf"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("merge/", views.merge, name="merge"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
    path("<int:pk>/data.xlsx", views.person_data, name="data"),
    path("<int:pk>/photo/", views.person_photo, name="photo"),
    path("<int:pk>/delete/", views.person_delete, name="delete"),
    path("<int:pk>/positions/", views.position_add, name="position_add"),
    path("<int:pk>/committees/", views.committee_add, name="committee_add"),
]
