from django.urls import include, path

from mediation.api import views

urlpatterns = [
    path("registry/entities/", views.RegistrySearchView.as_view(), name="registry-search"),
    path("registry/entities/<int:entity_id>/", views.EntityDetailView.as_view(), name="registry-entity"),
    path("complaints/", views.ComplaintSubmitView.as_view(), name="complaint-submit"),
    path("reports/", views.ReportSubmitView.as_view(), name="report-submit"),
    path("mixed-submissions/", views.MixedSubmitView.as_view(), name="mixed-submit"),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/<str:number>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:number>/actions/<str:action>/", views.CaseActionView.as_view(), name="case-action"),
    path("cases/<str:number>/mediation-document/", views.MediationDocumentView.as_view(), name="mediation-document"),
    path(
        "cases/<str:number>/notices/<int:notice_id>/given/",
        views.NoticeGivenView.as_view(),
        name="case-notice-given",
    ),
    path("cases/<str:number>/evidence/", views.EvidenceUploadView.as_view(), name="case-evidence"),
    path("cases/<str:number>/evidence/<int:evidence_id>/", views.EvidenceFileView.as_view(), name="case-evidence-file"),
    path("public/cases/<str:number>/", views.PublicCaseView.as_view(), name="public-case"),
    path("public/consumer-warnings/", views.PublicConsumerWarningsView.as_view(), name="public-consumer-warnings"),
    path("authorities/<int:authority_id>/queue/", views.AuthorityQueueView.as_view(), name="authority-queue"),
    path("help-requests/", views.HelpRequestListView.as_view(), name="help-requests"),
    path("help-requests/<int:help_request_id>/join/", views.HelpRequestJoinView.as_view(), name="help-request-join"),
    path(
        "help-requests/<int:help_request_id>/release/",
        views.HelpRequestReleaseView.as_view(),
        name="help-request-release",
    ),
    path("officials/me/duty/", views.OfficialDutyView.as_view(), name="official-duty"),
    path("joint-complaints/", views.JointComplaintCreateView.as_view(), name="joint-complaint-create"),
    path("joint-complaints/<int:joint_id>/", views.JointComplaintView.as_view(), name="joint-complaint"),
    path(
        "joint-complaints/<int:joint_id>/representatives/",
        views.JointRepresentativesView.as_view(),
        name="joint-complaint-representatives",
    ),
    path("auth/sign-up/", views.SignUpView.as_view(), name="sign-up"),
    path("auth/login/", views.LoginView.as_view(), name="login"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    # The open feeds of what is published (penalties, handling figures).
    path("", include("mediation.api.public_feed_urls")),
    path("", include("mediation.api.sms_urls")),
]
