from django.urls import path

from reviews import desk_pages, thread_pages, views

urlpatterns = [
    path("review/queue/", views.queue_page, name="review-queue"),
    path("review/queue/assign/", views.queue_assign, name="review-assign"),
    path("review/applications/<int:pk>/", views.review_page, name="review-application"),
    path("review/applications/<int:pk>/formal-check/", views.formal_check, name="review-formal-check"),
    path("review/applications/<int:pk>/decide/", views.decide, name="review-decide"),
    path("review/tasks/<int:pk>/opinion/", views.opinion, name="review-opinion"),
    path("review/tasks/<int:pk>/proceed-without/", views.proceed_without, name="review-proceed-without"),
    path("review/tasks/<int:pk>/budget/", views.budget, name="review-budget"),
    path("review/calls/<int:call_id>/ranking/", views.ranking, name="review-ranking"),
    # A service channel's case: the lead routes it, each routed unit answers; the enterprise reads the answers.
    path("review/applications/<int:pk>/route/", desk_pages.route, name="review-route"),
    path("review/tasks/<int:pk>/answer/", desk_pages.answer, name="review-answer"),
    path("desk/cases/<int:pk>/", desk_pages.case_page, name="desk-case"),
    path("desk/cases/<int:pk>/reopen/", desk_pages.case_reopen, name="desk-case-reopen"),
    path("desk/cases/<int:pk>/close/", desk_pages.case_close, name="desk-case-close"),
    # An application's thread: the applicant's team and the commissions holding a task on it (reviews/threads.py).
    path("applications/<int:pk>/messages/", thread_pages.thread_page, name="thread"),
    path("applications/<int:pk>/messages/post/", thread_pages.message_post, name="thread-post"),
    path(
        "applications/<int:pk>/messages/<int:message_id>/answer/",
        thread_pages.clarification_answer,
        name="thread-answer",
    ),
    path("messages/files/<int:attachment_id>/", thread_pages.message_attachment_download, name="thread-file"),
    path("expert/", views.expert_home, name="expert-home"),
    path("expert/assignments/<int:pk>/declare/", views.expert_declare, name="expert-declare"),
    path("expert/assignments/<int:pk>/", views.expert_assignment, name="expert-assignment"),
]
