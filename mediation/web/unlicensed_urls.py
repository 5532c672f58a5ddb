from django.urls import path

from mediation.web import unlicensed_views

urlpatterns = [
    path("cases/<str:number>/identify/", unlicensed_views.operator_identify_page, name="operator-identify"),
]
