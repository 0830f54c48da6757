from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list_view, name="list"),
    path("export.xlsx", views.proposal_export, name="export"),
    path("new/", views.proposal_edit, name="create"),
    path("similar/", views.similar_check, name="similar"),
    path("search/", views.proposal_search, name="search"),
    path("supervisors/search/", views.supervisor_search, name="supervisor_search"),
    path("work/", views.unit_work, name="unit_work"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/cosigners/search/", views.cosigner_search, name="cosigner_search"),
    path("<int:pk>/pdf/", views.proposal_pdf, name="pdf"),
    path("<int:pk>/similar/", views.proposal_similar, name="similar_of"),
    path("<int:pk>/act/<str:name>/", views.proposal_act, name="act"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
