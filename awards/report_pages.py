"""Administrators' pages (award reports, exports, dashboard) and the public open-data list."""

import json

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from applications.models import State
from awards import exports, reports
from awards.models import Export
from portal.bilingual import localized

OPEN_DATA_PREFIX = "SH-BIOMED"


def _admin_only(request) -> None:
    if not reports.can_view_reports(request.user)[0]:
        raise Http404


@login_required
@require_GET
def reports_page(request):
    _admin_only(request)
    report = reports.AwardReportFilter(request.GET or None, queryset=reports.report_awards(request.user))
    awards = report.qs.select_related("organisation", "program", "call", "letter").order_by("-pk")
    context = {
        "filter": report,
        "totals": reports.totals(report.qs),
        "awards": awards[:100],
        "query": request.GET.urlencode(),
        "exports": Export.objects.filter(requested_by=request.user)[:5],
    }
    return render(request, "awards/reports.html", context)


@login_required
@require_GET
def report_csv(request):
    _admin_only(request)
    queryset = reports.AwardReportFilter(request.GET, queryset=reports.report_awards(request.user)).qs
    response = StreamingHttpResponse(exports.csv_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="awards-{timezone.localdate():%Y%m%d}.csv"'
    return response


@login_required
@require_POST
def report_xlsx(request):
    _admin_only(request)
    filters = {k: v for k, v in request.POST.items() if k in reports.AwardReportFilter.base_filters and v}
    export = exports.export_request(user=request.user, kind="xlsx", filters=filters)
    return redirect("report-export", pk=export.pk)


def _own_export(request, pk) -> Export:
    _admin_only(request)
    export = Export.objects.filter(pk=pk, requested_by=request.user).first()
    if export is None:
        raise Http404
    return export


@login_required
@require_GET
def export_page(request, pk):
    export = _own_export(request, pk)
    template = "awards/_export_progress.html" if request.htmx else "awards/export.html"
    return render(request, template, {"export": export})


@login_required
@require_GET
def export_download(request, pk):
    export = _own_export(request, pk)
    if not export.file:
        raise Http404
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def dashboard_page(request):
    _admin_only(request)
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
    }
    return render(request, "awards/dashboard.html", context)


def _open_record(award) -> dict:
    """One award in the shape of the 360Giving standard's core fields; nothing confidential."""
    lead = award.program.lead
    return {
        "identifier": f"{OPEN_DATA_PREFIX}-{award.pk}",
        "title": f"{award.program.code} {award.program.title_en}",
        "currency": "CNY",
        "amountAwarded": str(award.amount),
        "awardDate": (award.confirmed_at or award.computed_at).date().isoformat(),
        "recipientOrganization": [{"id": f"CN-USCC-{award.organisation.uscc}", "name": award.organisation.name}],
        "fundingOrganization": [{"id": f"{OPEN_DATA_PREFIX}-{lead.code}", "name": lead.name_en}],
        "grantProgramme": [{"code": award.program.code, "title": award.program.title_en}],
        "policy": award.program.policy.document_number,
        "beneficiaryLocation": [{"name": award.organisation.get_district_display(), "countryCode": "CN"}],
        "decisionLetter": award.letter.reference if hasattr(award, "letter") else None,
    }


@require_GET
def open_data_json(request):
    records = [_open_record(a) for a in reports.public_awards().iterator(chunk_size=1000)]
    body = json.dumps({"grants": records, "license": "CC-BY-4.0"}, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@require_GET
def open_data_csv(request):
    import csv

    def lines():
        writer = csv.writer(exports._Echo())
        yield writer.writerow(
            [
                "Identifier",
                "Title",
                "Currency",
                "Amount Awarded",
                "Award Date",
                "Recipient Org:Identifier",
                "Recipient Org:Name",
                "Funding Org:Identifier",
                "Funding Org:Name",
                "Grant Programme:Code",
                "Beneficiary Location:Name",
            ]
        )
        for award in reports.public_awards().iterator(chunk_size=1000):
            record = _open_record(award)
            # Titles and names are typed by applicants: no cell may open as a formula.
            yield writer.writerow(
                exports.csv_cell(value)
                for value in [
                    record["identifier"],
                    record["title"],
                    "CNY",
                    record["amountAwarded"],
                    record["awardDate"],
                    record["recipientOrganization"][0]["id"],
                    record["recipientOrganization"][0]["name"],
                    record["fundingOrganization"][0]["id"],
                    record["fundingOrganization"][0]["name"],
                    record["grantProgramme"][0]["code"],
                    record["beneficiaryLocation"][0]["name"],
                ]
            )

    return StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
