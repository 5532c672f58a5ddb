from csp.decorators import csp_exempt
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from channels_app.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("mediation.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The documentation viewers run inline scripts of their own: the only pages without the CSP.
    path("api/docs/", csp_exempt()(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/redoc/", csp_exempt()(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("mediation.web.urls")),
]
