"""The pages of penalty decisions and their publication (mediation.web.penalty_views)."""

from django.urls import path

from mediation.web import penalty_views

urlpatterns = [
    path("cases/<str:number>/penalty/", penalty_views.penalty_record, name="penalty-record"),
    path("penalties/manage/", penalty_views.penalty_list, name="penalties-manage"),
    path("penalties/<int:decision_id>/manage/", penalty_views.penalty_manage, name="penalty-manage"),
    path(
        "penalties/<int:decision_id>/requests/<int:request_id>/decide/",
        penalty_views.penalty_request_decide_view,
        name="penalty-request-decide",
    ),
    path("penalties/<int:decision_id>/", penalty_views.penalty_public, name="penalty-public"),
    path(
        "penalties/<int:decision_id>/correction/",
        penalty_views.penalty_correction_request_view,
        name="penalty-correction-request",
    ),
    path("penalties/<int:decision_id>/early-stop/", penalty_views.penalty_early_stop_view, name="penalty-early-stop"),
    path("business/penalties/", penalty_views.business_penalties, name="business-penalties"),
]
