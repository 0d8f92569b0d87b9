"""Pages of the registers: the public register of each recognition program (no login) with its search and open
data, the objection to an entry on notice, an entry's own page (holder, lead commission, administrators) with its
history and certificates, removal by the lead commission, and the lead's pages of its registers and of a call's
entries (notice and objections)."""

import csv
import json
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import Throttled

from awards import exports, register, register_notice, reports, selectors
from awards.forms import ObjectionForm, RegisterSearchForm, RemovalForm, ResolveEntryObjectionForm
from awards.models import PUBLIC, EntryState, ObjectionState
from awards.notice import objector_identity
from awards.pages import throttle_objection
from awards.permissions import can_remove_entry
from awards.throttles import ObjectionAddressThrottle, ObjectionIdentityThrottle
from portal.accounts.guards import requires
from portal.accounts.predicates import is_officer
from portal.errors import PortalError

PAGE_SIZE = 50
PUBLIC_STATES = [(state, EntryState(state).label) for state in PUBLIC]


@require_GET
def registers_page(request):
    return render(request, "awards/registers.html", {"registers": selectors.registers()})


def _searched(request, program):
    form = RegisterSearchForm(request.GET or None, states=PUBLIC_STATES)
    query = form.cleaned_data if form.is_valid() else {}
    entries = selectors.public_register(program, query=query.get("q", ""), state=query.get("state", ""))
    return form, entries.select_related("program")


@require_GET
def register_page(request, code):
    program = selectors.get_register(code)
    form, entries = _searched(request, program)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"program": program, "form": form, "page": page, "entries": page.object_list, "query": query.urlencode()}
    return render(request, "awards/register.html", context)


@require_GET
def register_json(request, code):
    """The register's rows (as the page searched them) as JSON, streamed entry by entry."""
    program = selectors.get_register(code)
    _form, entries = _searched(request, program)

    def chunks():
        yield '{"register": ' + json.dumps(program.code) + ', "entries": ['
        for i, entry in enumerate(entries.iterator(chunk_size=1000)):
            yield ("," if i else "") + "\n" + json.dumps(reports.register_record(entry), ensure_ascii=False)
        yield "\n], " + json.dumps({"license": reports.OPEN_DATA_LICENSE})[1:] + "\n"

    return StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")


@require_GET
def register_csv(request, code):
    program = selectors.get_register(code)
    _form, entries = _searched(request, program)

    def lines():
        writer = csv.writer(exports._Echo())
        yield writer.writerow([title for title, _path in reports.REGISTER_COLUMNS] + ["Details"])
        for entry in entries.iterator(chunk_size=1000):
            # Names and titles are typed by applicants: no cell may open as a formula.
            cells = reports.register_cells(reports.register_record(entry))
            yield writer.writerow(exports.csv_cell(value) for value in cells)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="register-{program.code}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def entry_objection_page(request, pk):
    entry = selectors.get_public_entry_on_notice(pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST":
        try:
            throttle_objection(ObjectionAddressThrottle(), request)  # every attempt counts, valid or not
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "signed"}
                identity = objector_identity(id_number=data["id_number"], organisation=data["organisation"])
                throttle_objection(ObjectionIdentityThrottle(identity), request)
                register_notice.entry_objection_file(entry=entry, **data)
                return render(request, "awards/objection_received.html", {"entry": entry})
        except Throttled as refusal:
            form.add_error(None, str(refusal.detail))
            response = render(request, "awards/entry_objection.html", {"entry": entry, "form": form}, status=429)
            response["Retry-After"] = str(math.ceil(refusal.wait))
            return response
        except PortalError as error:
            error.add_to_form(form)
    return render(request, "awards/entry_objection.html", {"entry": entry, "form": form})


def _entry_context(request, entry, removal_form=None) -> dict:
    can_remove = can_remove_entry(request.user, entry)[0]
    return {
        "entry": entry,
        "history": selectors.entry_history(entry),
        "certificates": selectors.entry_certificates(entry),
        "removal_form": (removal_form or RemovalForm()) if can_remove else None,
    }


@login_required
@require_GET
def entry_page(request, pk):
    entry = selectors.get_entry_for_user(request.user, pk)
    return render(request, "awards/entry.html", _entry_context(request, entry))


@login_required
@require_POST
def entry_remove(request, pk):
    entry = selectors.get_entry_for_user(request.user, pk)
    allowed, refusal = can_remove_entry(request.user, entry)
    if not allowed:
        messages.error(request, refusal)
        return redirect("register-entry", pk=pk)
    form = RemovalForm(request.POST)
    if form.is_valid():
        try:
            register.entry_remove(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The entry is removed from the register."))
            return redirect("register-entry", pk=pk)
    return render(request, "awards/entry.html", _entry_context(request, entry, form))


@login_required
@require_GET
@requires(is_officer)
def led_registers_page(request):
    """The registers the officer's commission keeps, every entry in every state, for dynamic management."""
    page = Paginator(selectors.led_entries(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "awards/led_registers.html", {"page": page, "entries": page.object_list})


@login_required
@require_GET
def call_register_page(request, call_id):
    entries = list(selectors.lead_call_entries(request.user, call_id))
    if not entries:
        raise Http404
    objections = selectors.lead_call_entry_objections(request.user, call_id).filter(state=ObjectionState.OPEN)
    context = {
        "call": entries[0].call,
        "entries": entries,
        "objections": objections,
        "resolve_form": ResolveEntryObjectionForm(),
        "can_publish": any(e.state == EntryState.AWAITING_NOTICE for e in entries),
    }
    return render(request, "awards/call_register.html", context)


@login_required
@require_POST
def register_publish(request, call_id):
    first = selectors.lead_call_entries(request.user, call_id).first()
    if first is None:
        raise Http404
    try:
        published = register_notice.register_notice_publish(call=first.call, by=request.user)
    except PortalError as error:
        error.flash(request)
    else:
        messages.success(request, _("%(n)s entry(ies) are on public notice.") % {"n": len(published)})
    return redirect("call-register", call_id=call_id)


@login_required
@require_POST
def entry_objection_resolve(request, pk):
    objection = selectors.lead_entry_objection(request.user, pk)
    form = ResolveEntryObjectionForm(request.POST)
    if form.is_valid():
        try:
            register_notice.entry_objection_resolve(
                objection=objection,
                by=request.user,
                upheld=form.cleaned_data["upheld"],
                resolution=form.cleaned_data["resolution"],
            )
        except PortalError as error:
            error.flash(request)
        else:
            messages.success(request, _("The objection is resolved."))
    else:
        messages.error(request, _("Choose the outcome and say how it was resolved."))
    return redirect("call-register", call_id=objection.entry.call_id)
