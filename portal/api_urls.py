"""Routes of the API under /api/v1/ (namespace `v1`)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from applications.api import ApplicationViewSet, CallAlertViewSet, CallViewSet, OrganisationMeView
from awards.api import AwardEstimateView, AwardReportView, AwardViewSet, LetterPdfView
from awards.projects.api import InstalmentViewSet, ProjectReportViewSet, ProjectVariationViewSet, ProjectViewSet
from awards.verification_api import VerifyView
from portal.accounts.api_tokens import AuthTokenView, OwnTokenDetailView, OwnTokenListView
from portal.accounts.inbox_api import NotificationViewSet
from reviews.api import DeskCaseViewSet, ReviewTaskViewSet
from reviews.thread_api import ClarificationAnswerView, ThreadView

router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")
router.register("alerts", CallAlertViewSet, basename="call-alert")
router.register("applications", ApplicationViewSet, basename="application")
router.register("review-tasks", ReviewTaskViewSet, basename="review-task")
router.register("desk-cases", DeskCaseViewSet, basename="desk-case")
router.register("awards", AwardViewSet, basename="award")
router.register("projects", ProjectViewSet, basename="project")
router.register("project-reports", ProjectReportViewSet, basename="project-report")
router.register("project-variations", ProjectVariationViewSet, basename="project-variation")
router.register("instalments", InstalmentViewSet, basename="instalment")
router.register("inbox", NotificationViewSet, basename="notification")

urlpatterns = [
    path("award-estimates/", AwardEstimateView.as_view(), name="award-estimates"),
    path("auth-token/", AuthTokenView.as_view(), name="auth-token"),
    path("auth-tokens/", OwnTokenListView.as_view(), name="own-token-list"),
    path("auth-tokens/<str:token_key>/", OwnTokenDetailView.as_view(), name="own-token-detail"),
    path("organisations/me/", OrganisationMeView.as_view(), name="organisation-me"),
    path("letters/<int:pk>/pdf/", LetterPdfView.as_view(), name="letter-pdf"),
    path("reports/awards/", AwardReportView.as_view(), name="award-report"),
    path("verify/<str:token>/", VerifyView.as_view(), name="verify"),
    path("applications/<int:pk>/messages/", ThreadView.as_view(), name="application-messages"),
    path(
        "applications/<int:pk>/messages/<int:message_id>/answer/",
        ClarificationAnswerView.as_view(),
        name="application-messages-answer",
    ),
    *router.urls,
]
