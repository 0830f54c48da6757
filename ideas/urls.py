from django.urls import path

from . import views

app_name = "ideas"
urlpatterns = [
    path("", views.idea_list_view, name="list"),
    path("export.xlsx", views.idea_export, name="export"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/transition/", views.idea_transition_view, name="transition"),
    path("<int:pk>/develop/", views.idea_develop_view, name="develop"),
    path("<int:pk>/followup/", views.idea_followup_view, name="followup"),
    path("<int:pk>/answer/", views.idea_answer_view, name="answer"),
    path("<int:pk>/reveal/", views.idea_reveal_view, name="reveal"),
]
