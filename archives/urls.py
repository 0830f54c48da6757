from django.urls import path

from . import views

app_name = "archives"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("records/", views.records, name="records"),
    path("me/", views.my_archive, name="me"),
    path("person/<int:pk>/", views.person_archive, name="person"),
    path("person/<int:pk>/pdf/", views.person_archive_pdf, name="person_pdf"),
    path("person/<int:pk>/archived.pdf", views.person_archived_pdf, name="person_archived_pdf"),
    path("rules/", views.rule_sets, name="rule_sets"),
    path("rules/<int:pk>/", views.rule_set, name="rule_set"),
    path("rules/<int:pk>/edit/", views.rule_set_edit, name="rule_set_edit"),
    path("rules/<int:pk>/history/", views.rule_set_history, name="rule_set_history"),
    path("rules/<int:pk>/items/new/", views.rule_item_edit, name="rule_item_new"),
    path("rules/<int:pk>/items/<int:item_pk>/", views.rule_item_edit, name="rule_item_edit"),
    path("rules/<int:pk>/items/<int:item_pk>/delete/", views.rule_item_delete, name="rule_item_delete"),
    path("rules/<int:pk>/minimums/new/", views.minimum_edit, name="minimum_new"),
    path("rules/<int:pk>/minimums/<int:minimum_pk>/", views.minimum_edit, name="minimum_edit"),
    path("rules/<int:pk>/minimums/<int:minimum_pk>/delete/", views.minimum_delete, name="minimum_delete"),
    path("rules/<int:pk>/grades/", views.grades_edit, name="grades_edit"),
]

urlpatterns += [
    path("donations/", views.donations, name="donations"),
    path("donations/new/", views.donation_edit, name="donation_new"),
    path("donations/<int:pk>/", views.donation_detail, name="donation_detail"),
    path("donations/<int:pk>/edit/", views.donation_edit, name="donation_edit"),
    path("donations/<int:pk>/verify/", views.donation_verify, name="donation_verify"),
    path("donations/<int:pk>/delete/", views.donation_delete, name="donation_delete"),
    path("donations/<int:pk>/files/", views.donation_file_add, name="donation_file_add"),
    path("donations/files/<int:pk>/", views.donation_file, name="donation_file"),
]

urlpatterns += [
    path("closing/", views.closing, name="closing"),
    path("closing/new/", views.closing_new, name="closing_new"),
    path("closing/<int:pk>/", views.closing_run, name="closing_run"),
    path("closing/<int:pk>/progress/", views.closing_run_progress, name="closing_run_progress"),
    path("closing/<int:pk>/resume/", views.closing_run_resume, name="closing_run_resume"),
    path("closing/<int:pk>/zip/", views.closing_run_zip, name="closing_run_zip"),
]
