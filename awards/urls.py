from django.urls import path

from awards import pages, report_pages

urlpatterns = [
    path("notices/", pages.notices_page, name="notices"),
    path("notices/awards/<int:pk>/object/", pages.objection_page, name="objection"),
    path("review/calls/<int:call_id>/awards/", pages.call_awards_page, name="call-awards"),
    path("review/calls/<int:call_id>/awards/publish/", pages.publish_notice, name="publish-notice"),
    path("review/objections/<int:pk>/resolve/", pages.resolve_objection, name="resolve-objection"),
    path("review/calls/<int:call_id>/objections/dismiss/", pages.dismiss_objections, name="dismiss-objections"),
    path("finance/awards/", pages.finance_page, name="finance"),
    path("finance/awards/<int:pk>/", pages.finance_award_page, name="finance-award"),
    path("letters/<int:pk>/", pages.letter_download, name="letter-download"),
]

urlpatterns += [
    path("reports/awards/", report_pages.reports_page, name="reports"),
    path("reports/awards.csv", report_pages.report_csv, name="report-csv"),
    path("reports/awards.xlsx", report_pages.report_xlsx, name="report-xlsx"),
    path("reports/exports/<int:pk>/", report_pages.export_page, name="report-export"),
    path("reports/exports/<int:pk>/download/", report_pages.export_download, name="report-export-download"),
    path("reports/dashboard/", report_pages.dashboard_page, name="dashboard-admin"),
    path("open-data/awards.json", report_pages.open_data_json, name="open-data-json"),
    path("open-data/awards.csv", report_pages.open_data_csv, name="open-data-csv"),
]
