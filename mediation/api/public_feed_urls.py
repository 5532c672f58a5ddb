from django.urls import path

from mediation.api import handling_figures_feed, penalty_feed

urlpatterns: list = [
    # Published penalties (市场监督管理行政处罚信息公示规定), for the credit system.
    path("public/penalties/", penalty_feed.PublicPenaltiesView.as_view(), name="public-penalties"),
    path("public/penalties.csv", penalty_feed.PublicPenaltiesCsvView.as_view(), name="public-penalties-csv"),
    # The handling figures of businesses and authorities (who handles cases well, in public).
    path(
        "public/handling-figures/",
        handling_figures_feed.HandlingFiguresFeedView.as_view(),
        name="public-handling-figures",
    ),
]
