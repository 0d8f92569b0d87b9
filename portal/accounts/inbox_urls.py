"""Every person's inbox (issue 16). URL names used elsewhere: inbox (the header's link), inbox-settings (the
digest mail's link)."""

from django.urls import path

from portal.accounts import inbox_views

urlpatterns = [
    path("inbox/", inbox_views.inbox_page, name="inbox"),
    path("inbox/read-all/", inbox_views.inbox_mark_all_read, name="inbox-read-all"),
    path("inbox/settings/", inbox_views.inbox_settings, name="inbox-settings"),
    path("inbox/<int:pk>/", inbox_views.inbox_item, name="inbox-item"),
]
