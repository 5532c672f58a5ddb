from django.urls import path

from mediation.web import figures_views

urlpatterns: list = [
    path("figures/", figures_views.figures_index, name="figures"),
    path("figures/authorities/<int:authority_id>/", figures_views.authority_figures_page, name="figures-authority"),
]
