from django.urls import path

from awards import pages, register_pages, report_pages, verify_pages

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

# The registers of the recognition programs: public pages and open data, the lead commission's pages.
urlpatterns += [
    path("registers/", register_pages.registers_page, name="registers"),
    path("registers/<str:code>/", register_pages.register_page, name="public-register"),
    path("registers/<str:code>/entries.json", register_pages.register_json, name="public-register-json"),
    path("registers/<str:code>/entries.csv", register_pages.register_csv, name="public-register-csv"),
    path("notices/register/<int:pk>/object/", register_pages.entry_objection_page, name="register-objection"),
    path("registers/entries/<int:pk>/", register_pages.entry_page, name="register-entry"),
    path("registers/entries/<int:pk>/remove/", register_pages.entry_remove, name="register-entry-remove"),
    path("review/register/", register_pages.led_registers_page, name="led-registers"),
    path("review/calls/<int:call_id>/register/", register_pages.call_register_page, name="call-register"),
    path("review/calls/<int:call_id>/register/publish/", register_pages.register_publish, name="register-publish"),
    path(
        "review/register-objections/<int:pk>/resolve/",
        register_pages.entry_objection_resolve,
        name="register-objection-resolve",
    ),
]

# The public verification page of a letter or certificate, keyed by the random token printed on it (issue 17).
urlpatterns += [path("verify/<str:token>/", verify_pages.verify_page, name="verify")]
