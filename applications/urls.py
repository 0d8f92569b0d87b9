from django.urls import path

from applications import call_pages, views

urlpatterns = [
    path("calls/", views.calls_page, name="calls"),
    path("calls/<int:pk>/", call_pages.call_detail, name="call-detail"),
    path("alerts/", call_pages.alerts_page, name="alerts"),
    path("alerts/<int:pk>/remove/", call_pages.alert_remove, name="alert-remove"),
    path("applications/", views.dashboard, name="dashboard"),
    path("applications/new/", views.application_new, name="application-new"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/estimate/", views.application_estimate, name="application-estimate"),
    path("applications/<int:pk>/receipt/", views.application_receipt, name="application-receipt"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/versions/<int:number>/", views.version_detail, name="application-version"),
    path("applications/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    # The lead commission's announcements to a call's applicants (officers' side, beside the ranking and awards).
    path("review/calls/<int:call_id>/broadcasts/", views.call_broadcasts, name="call-broadcasts"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
]
