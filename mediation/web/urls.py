from django.urls import path

from mediation.web import analysis_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("regions/<str:code>/", views.region_children, name="region-children"),
    path("log-in/", views.LogInView.as_view(), name="log-in"),
    path("log-out/", views.LogOutView.as_view(), name="log-out"),
    path("language/", views.language_switch, name="language"),
    path("display/", views.display_switch, name="display"),
    path("chat/", views.chat, name="chat"),
    path("cases/", views.my_cases, name="cases"),
    path("queue/", views.queue, name="queue"),
    path("hotline/", views.hotline_intake, name="hotline"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/actions/<str:action>/", views.case_action, name="case-action"),
    path("cases/<str:number>/room/", views.room_page, name="room"),
    path("cases/<str:number>/joint/", views.joint_propose, name="joint-propose"),
    path("cases/<str:number>/notices/<int:notice_id>/given/", views.notice_given, name="notice-given"),
    path("cases/<str:number>/joint/representatives/", views.joint_elect, name="joint-elect"),
    path("disclosure/", views.disclosure_index, name="disclosure-index"),
    path("disclosure/<int:entity_id>/", views.disclosure_page, name="disclosure"),
    path("help/<int:help_request_id>/", views.help_chat_page, name="help-chat"),
    path("help/<int:help_request_id>/leave/", views.help_leave, name="help-leave"),
    path("analysis/", analysis_views.analysis_page, name="analysis"),
    path("analysis/cases/", analysis_views.analysis_cases, name="analysis-cases"),
    path("analysis/export.csv", analysis_views.analysis_export, name="analysis-export"),
    path("warnings/", analysis_views.warnings_page, name="warnings"),
    path("warnings/<int:warning_id>/", analysis_views.warning_page, name="warning"),
    path("warnings/<int:warning_id>/answer/", analysis_views.warning_answer, name="warning-answer"),
    path("desk/", views.desk, name="desk"),
    path("desk/duty/", views.desk_duty, name="desk-duty"),
    path("desk/<int:help_request_id>/join/", views.desk_join, name="desk-join"),
]
