from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from awards.views import estimate_page
from portal import views
from portal.accounts import account_views, two_factor_views

# The administration's headings in the page's language (Django's defaults are English only).
admin.site.site_header = _("Shanghai Biomedical Support Portal: administration")
admin.site.site_title = _("Portal administration")
admin.site.index_title = _("Catalogue, people and records")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz-live"),
    path("estimate/", estimate_page, name="estimate"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor_views.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/setup/", two_factor_views.two_factor_setup, name="two-factor-setup"),
    # Password reset: Django's views and URL names, the portal's templates (templates/registration/).
    path("accounts/password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/verify-email/send/", account_views.email_verification_resend, name="email-verify-resend"),
    path("accounts/verify-email/<str:token>/", account_views.email_verify, name="email-verify"),
    path("accounts/api-tokens/", account_views.api_token_list, name="api-tokens"),
    path("accounts/api-tokens/<str:token_key>/revoke/", account_views.api_token_revoke, name="api-token-revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portal.accounts.team_urls")),
    path("", include("portal.accounts.inbox_urls")),
    path("", include("applications.urls")),
    path("", include("reviews.urls")),
    path("", include("awards.urls")),
    path("", include("awards.projects.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("portal.api_urls", "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
