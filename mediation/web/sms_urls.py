from django.urls import path

from mediation.web import sms_views

urlpatterns: list = [
    path("hotline/texts/", sms_views.texts_queue, name="sms-texts"),
    path("hotline/texts/<int:incoming_id>/", sms_views.text_complete, name="sms-text"),
    path("hotline/texts/<int:incoming_id>/dismiss/", sms_views.text_dismiss, name="sms-text-dismiss"),
    path("notifications/settings/texts/", sms_views.sms_consent, name="sms-consent"),
]
