from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list_view, name="list"),
    path("export.xlsx", views.activity_export, name="export"),
    path("new/", views.activity_edit, name="create"),
    path("kinds/", views.kind_list, name="kinds"),
    path("my/", views.my_activities, name="my"),
    path("my/history/", views.my_activities, {"history": True}, name="my_history"),
    path("calendar/", views.month_view, name="calendar"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("summary/", views.summary, name="summary"),
    path("summary.xlsx", views.summary_export, name="summary_export"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/stops/", views.stop_add, name="stop_add"),
    path("<int:pk>/stops/<int:stop_pk>/delete/", views.stop_delete, name="stop_delete"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/attendance.xlsx", views.attendance_export, name="attendance_export"),
    path("<int:pk>/attendance/bulk/", views.bulk_check_in, name="bulk_check_in"),
    path("<int:pk>/sign-in-sheet.pdf", views.sign_in_sheet, name="sign_in_sheet"),
    path("<int:pk>/qr/", views.qr_code, name="qr"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/files/", views.file_add, name="file_add"),
    path("<int:pk>/event.ics", views.activity_ics, name="ics"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("invitations/<int:pk>/respond/", views.respond, name="respond"),
    path("invitations/<int:pk>/leave/", views.decide_leave, name="decide_leave"),
    path("invitations/<int:pk>/check-in/", views.staff_check_in, name="staff_check_in"),
    path("briefings/", views.briefing_list, name="briefings"),
    path("briefings/new/", views.briefing_new, name="briefing_new"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing"),
    path("briefings/<int:pk>/file/", views.briefing_file, name="briefing_file"),
]
