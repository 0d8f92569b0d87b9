from django.urls import path

from awards.projects import expert_pages, finance_pages, pages, review_pages

urlpatterns = [
    path("projects/", pages.my_projects, name="my-projects"),
    path("projects/<int:pk>/", pages.project_page, name="project-detail"),
    path("projects/<int:pk>/statement/", pages.statement_page, name="project-statement"),
    path("projects/<int:pk>/statement/decide/", review_pages.statement_decide, name="project-statement-decide"),
    path("projects/<int:pk>/versions/<int:number>/", pages.version_page, name="project-version"),
    path("projects/<int:pk>/reports/<int:report_id>/", pages.report_page, name="project-report"),
    path("projects/<int:pk>/reports/<int:report_id>/evidence/", pages.report_evidence, name="project-report-evidence"),
    path("projects/<int:pk>/reports/<int:report_id>/decide/", review_pages.report_decide, name="project-report-decide"),
    path("projects/<int:pk>/variations/new/", pages.variation_page, name="project-variation-new"),
    path(
        "projects/<int:pk>/variations/<int:variation_id>/decide/",
        review_pages.variation_decide,
        name="project-variation-decide",
    ),
    path("projects/<int:pk>/acceptance/", pages.acceptance_page, name="project-acceptance"),
    path("projects/<int:pk>/acceptance/documents/", pages.acceptance_document, name="project-acceptance-document"),
    path("projects/<int:pk>/acceptance/panel/", review_pages.panel_send, name="project-panel"),
    path("projects/<int:pk>/acceptance/decide/", review_pages.acceptance_decide, name="project-acceptance-decide"),
    path("projects/<int:pk>/acceptance/conditions/", review_pages.conditions_confirm, name="project-conditions"),
    path("projects/<int:pk>/clawback/", review_pages.clawback_amend, name="project-clawback-amend"),
    path("projects/documents/<int:document_id>/", pages.document_download, name="project-document"),
    path("review/projects/", review_pages.queue_page, name="project-queue"),
    path("finance/instalments/", finance_pages.instalments_page, name="finance-instalments"),
    path("finance/instalments/<int:pk>/pay/", finance_pages.instalment_pay, name="finance-instalment-pay"),
    path("finance/clawbacks/<int:pk>/record/", finance_pages.repayment_record, name="finance-repayment"),
    path("expert/acceptances/", expert_pages.seats_page, name="expert-acceptances"),
    path("expert/acceptances/<int:pk>/declare/", expert_pages.seat_declare, name="expert-acceptance-declare"),
    path("expert/acceptances/<int:pk>/", expert_pages.seat_page, name="expert-acceptance"),
]
