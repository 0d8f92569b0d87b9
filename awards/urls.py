from django.urls import path

from awards import pages

urlpatterns = [
    path("notices/", pages.notices_page, name="notices"),
    path("notices/awards/<int:pk>/object/", pages.objection_page, name="objection"),
    path("review/calls/<int:call_id>/awards/", pages.call_awards_page, name="call-awards"),
    path("review/calls/<int:call_id>/awards/publish/", pages.publish_notice, name="publish-notice"),
    path("review/objections/<int:pk>/resolve/", pages.resolve_objection, name="resolve-objection"),
    path("finance/awards/", pages.finance_page, name="finance"),
    path("finance/awards/<int:pk>/", pages.finance_award_page, name="finance-award"),
    path("letters/<int:pk>/", pages.letter_download, name="letter-download"),
]
