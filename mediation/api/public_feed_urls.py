from django.urls import path  # noqa: F401

from mediation.api import penalty_feed

urlpatterns: list = [
    # Published penalties (市场监督管理行政处罚信息公示规定), for the credit system.
    path("public/penalties/", penalty_feed.PublicPenaltiesView.as_view(), name="public-penalties"),
    path("public/penalties.csv", penalty_feed.PublicPenaltiesCsvView.as_view(), name="public-penalties-csv"),
]
