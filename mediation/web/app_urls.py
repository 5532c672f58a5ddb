from django.urls import path

from mediation.web import app_views

urlpatterns = [
    path("manifest.webmanifest", app_views.web_app_manifest, name="app-manifest"),
    path("sw.js", app_views.service_worker, name="app-service-worker"),
    path("offline/", app_views.offline_page, name="app-offline"),
    path("file/submissions/<uuid:key>/", app_views.filing_submission, name="filing-submission"),
]
