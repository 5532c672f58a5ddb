from django.urls import path

from mediation.api import sms_views

urlpatterns = [
    # The SMS provider posts each text received on the platform's number (mediation/api/sms_views.py).
    path("sms/incoming/", sms_views.IncomingSmsView.as_view(), name="sms-incoming"),
]
