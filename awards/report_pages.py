"""Administrators' pages (award reports, exports, dashboard) and the public open-data list."""

import json

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from applications.models import State
from awards import exports, reports
from awards.models import Export
from portal.accounts.guards import requires
from portal.bilingual import is_chinese, localized


@login_required
@require_GET
@requires(reports.can_view_reports)
def reports_page(request):
    report = reports.AwardReportFilter(request.GET or None, queryset=reports.report_awards(request.user))
    awards = reports.extra_cells(report.qs.select_related("organisation", "program", "call", "letter")).order_by("-pk")
    context = {
        "filter": report,
        "totals": reports.totals(report.qs),
        # Each award with the cells of the columns the apps above register (the project's state).
        "rows": [(award, reports.extra_values(award)) for award in awards[:100]],
        "extra_headers": reports.extra_headers(is_chinese()),
        "query": request.GET.urlencode(),
        "exports": Export.objects.filter(requested_by=request.user)[:5],
    }
    return render(request, "awards/reports.html", context)


@login_required
@require_GET
@requires(reports.can_view_reports)
def report_csv(request):
    queryset = reports.AwardReportFilter(request.GET, queryset=reports.report_awards(request.user)).qs
    response = StreamingHttpResponse(exports.csv_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="awards-{timezone.localdate():%Y%m%d}.csv"'
    return response


@login_required
@require_POST
@requires(reports.can_view_reports)
def report_xlsx(request):
    filters = {k: v for k, v in request.POST.items() if k in reports.AwardReportFilter.base_filters and v}
    export = exports.export_request(user=request.user, kind="xlsx", filters=filters, language=request.LANGUAGE_CODE)
    return redirect("report-export", pk=export.pk)


def _own_export(request, pk) -> Export:
    export = Export.objects.filter(pk=pk, requested_by=request.user).first()
    if export is None:
        raise Http404
    return export


@login_required
@require_GET
@requires(reports.can_view_reports)
def export_page(request, pk):
    export = _own_export(request, pk)
    template = "awards/_export_progress.html" if request.htmx else "awards/export.html"
    return render(request, template, {"export": export})


@login_required
@require_GET
@requires(reports.can_view_reports)
def export_download(request, pk):
    export = _own_export(request, pk)
    if not export.file:
        raise Http404
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
@requires(reports.can_view_reports)
def dashboard_page(request):
    calls = reports.budget_use_by_call()
    stages = reports.applications_by_stage()
    districts = reports.awards_by_district()
    labels = dict(State.choices)
    charts = {
        "districts": {"labels": [d for d, _t in districts], "values": [t for _d, t in districts]},
        "stages": {"labels": [str(labels[s]) for s in stages], "values": list(stages.values())},
    }
    for call in calls:
        call["title"] = localized(call, "title")
        call["percent"] = round(100 * call["used"] / call["budget"]) if call["budget"] else None
    context = {
        "calls": calls,
        "stages": [(labels[s], n) for s, n in stages.items()],
        "sla": reports.sla_by_commission(),
        "districts": districts,
        "charts": charts,  # json_script encodes Decimal as a string; Chart.js reads it as a number
        "goals": reports.action_plan_indicators(),
        "sections": reports.dashboard_sections(),
    }
    return render(request, "awards/dashboard.html", context)


@require_GET
def open_data_json(request):
    """The 360Giving package, streamed grant by grant (constant memory whatever the count)."""

    def chunks():
        yield '{"grants": ['
        for i, award in enumerate(reports.public_awards().iterator(chunk_size=1000)):
            record = json.dumps(reports.open_data_record(award), ensure_ascii=False)
            yield ("," if i else "") + "\n" + record
        yield "\n], " + json.dumps({"license": reports.OPEN_DATA_LICENSE})[1:] + "\n"

    return StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")


@require_GET
def open_data_csv(request):
    import csv

    def lines():
        writer = csv.writer(exports._Echo())
        yield writer.writerow([title for title, _path in reports.OPEN_DATA_COLUMNS])
        for award in reports.public_awards().iterator(chunk_size=1000):
            # Titles and names are typed by applicants: no cell may open as a formula.
            yield writer.writerow(exports.csv_cell(v) for v in reports.open_data_cells(reports.open_data_record(award)))

    return StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
