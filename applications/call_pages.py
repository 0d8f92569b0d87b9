"""A call's own page (public, as the calls page is) and the organisation's call alerts (its members)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import alerts
from applications.forms import AlertForm
from applications.models import AlertCriterion, Call, Program
from applications.selectors import call_for_page, program_kinds, stages_of
from portal.accounts.guards import requires
from portal.accounts.models import Commission, OrganisationKind
from portal.accounts.predicates import may_apply
from portal.bilingual import localized
from portal.errors import PortalError


@dataclass
class TrackTerms:
    """What one track of a call asks, in words: its conditions, its milestone window, its documents."""

    title: str
    conditions: list[str] = field(default_factory=list)
    window: dict | None = None
    documents: list[str] = field(default_factory=list)


def track_terms(call: Call) -> list[TrackTerms]:
    windows = call.milestone_windows or {}
    return [
        TrackTerms(
            title=localized(track, "title") or localized(call.program, "title"),
            conditions=[localized(condition, "reason") for condition in track.conditions if condition.get("reason_en")],
            window=windows.get(track.code) or windows.get("*"),
            documents=[localized(document, "label") for document in track.document_types],
        )
        for track in call.program.tracks.all()
    ]


def who_may_apply(program: Program) -> list[str]:
    """The organisation kinds a program admits, in words; every kind the policies support where it names none."""
    kinds = program.applicants or OrganisationKind.values
    return [str(OrganisationKind(kind).label) for kind in kinds]


def call_status(call: Call, now) -> str:
    if now < call.opens_at:
        return "upcoming"
    return "open" if call.is_open(now) else "closed"


@require_GET
def call_detail(request, pk):
    call = call_for_page(pk)
    program = call.program
    status = call_status(call, timezone.now())
    member = may_apply(request.user)
    context = {
        "call": call,
        "program": program,
        "status": status,
        "tracks": track_terms(call),
        "one_track": len(program.tracks.all()) == 1,
        "who_may_apply": who_may_apply(program),
        "stages": stages_of(call),
        "help_email": settings.HELP_DESK_EMAIL,
        "help_phone": settings.HELP_DESK_PHONE,
        "may_file": member and status == "open" and program.admits(request.user.organisation.kind),
        "may_subscribe": member,
        "subscribe": [
            (AlertCriterion.PROGRAM, program.code, _("Calls of this measure")),
            (
                AlertCriterion.KIND,
                program.kind,
                _("Calls of this kind of support: %(kind)s") % {"kind": localized(program, "kind_label")},
            ),
            (
                AlertCriterion.COMMISSION,
                program.lead.code,
                _("Calls led by %(commission)s") % {"commission": localized(program.lead, "name")},
            ),
        ],
    }
    return render(request, "applications/call_detail.html", context)


# --- the organisation's call alerts -------------------------------------------------------------------------


def _choices(criterion: str) -> list[tuple[str, str]]:
    if criterion == AlertCriterion.KIND:
        return [(k["kind"], localized(k, "kind_label")) for k in program_kinds()]
    if criterion == AlertCriterion.COMMISSION:
        leads = Commission.objects.filter(led_programs__isnull=False).distinct().order_by("code")
        return [(c.code, localized(c, "name")) for c in leads]
    programs = Program.objects.select_related("policy").order_by("policy__effective_from", "code")
    return [(p.code, f"{localized(p, 'title')} ({p.citation})") for p in programs]


def alert_label(alert, kinds: dict[str, str]) -> str:
    """What an alert matches, in words (`kinds`: each kind's label)."""
    if alert.criterion == AlertCriterion.KIND:
        return kinds.get(alert.kind, "")
    if alert.criterion == AlertCriterion.COMMISSION:
        return localized(alert.commission, "name")
    return localized(alert.program, "title")


def _next(request) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@login_required
@require_http_methods(["GET", "POST"])
@requires(may_apply)  # an organisation's page: 404 to other roles
def alerts_page(request):
    """The organisation's alerts and forms to add one; any member who may apply for it chooses them."""
    organisation = request.user.organisation
    posted = AlertForm(request.POST) if request.method == "POST" else None
    if posted is not None and posted.is_valid():
        try:
            _alert, created = alerts.alert_add(
                organisation=organisation,
                by=request.user,
                criterion=posted.cleaned_data["criterion"],
                value=posted.cleaned_data["value"],
            )
        except PortalError as error:
            error.add_to_form(posted)
        else:
            if created:
                messages.success(request, _("Alert added: your members hear of such calls as they open."))
            else:
                messages.info(request, _("Your organisation is already alerted of these calls."))
            return redirect(_next(request) or "alerts")
    forms = []
    for criterion, label in AlertCriterion.choices:
        if posted is not None and posted.data.get("criterion") == criterion:
            form = AlertForm(request.POST, choices=_choices(criterion))
            form.is_valid()
            for name, problems in posted.errors.items():
                for problem in problems:
                    if problem not in form.errors.get(name, []):
                        form.add_error(name if name in form.fields else None, problem)
        else:
            form = AlertForm(initial={"criterion": criterion}, choices=_choices(criterion))
        form.fields["criterion"].widget = form.fields["criterion"].hidden_widget()
        form.fields["value"].label = label
        forms.append(form)
    kinds = dict(_choices(AlertCriterion.KIND))
    rows = [(alert, alert_label(alert, kinds)) for alert in alerts.alerts_of(organisation)]
    return render(request, "applications/alerts.html", {"rows": rows, "forms": forms})


@login_required
@require_POST
@requires(may_apply)
def alert_remove(request, pk):
    alert = get_object_or_404(alerts.alerts_of(request.user.organisation), pk=pk)
    alerts.alert_remove(alert=alert, by=request.user)
    messages.success(request, _("Alert removed."))
    return redirect("alerts")
