from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from applications.facts import FactsForm
from applications.models import ProgramOutcome
from applications.permissions import can_read_reading_notes
from applications.selectors import programs_with_tracks
from awards.engine import Context
from awards.estimates import MILESTONE, answer_as_json, estimate, estimate_facts_schema, policy_ended, resolve_track
from awards.forms import EstimateContextForm, TrackChoiceForm
from portal.errors import PortalError


@require_http_methods(["GET", "POST"])
def estimate_page(request):
    """ "What could my project receive?": choose a measure (GET), answer its facts (POST), read the
    amount and how it was reached. Plain forms: works without JavaScript."""
    programs = programs_with_tracks().filter(outcome=ProgramOutcome.GRANT)  # a recognition pays nothing to estimate
    chooser = TrackChoiceForm(request.GET or None, programs=programs)
    context = {"chooser": chooser}
    if not chooser.is_valid():
        return render(request, "awards/estimate.html", context)
    try:
        track = resolve_track(*chooser.program_and_track())
    except PortalError as error:
        error.add_to_form(chooser)
        return render(request, "awards/estimate.html", context)
    schema = estimate_facts_schema(track)
    data = request.POST if request.method == "POST" else None
    facts_form = FactsForm(schema, data)
    context_form = EstimateContextForm(data, prefix="context")
    context.update(
        track=track,
        program=track.program,
        facts_form=facts_form,
        context_form=context_form,
        policy_ended=policy_ended(track.program.policy),
        shows_reading_note=can_read_reading_notes(request.user, track.program)[0],
    )
    if request.method == "POST" and context_form.is_valid():
        try:
            facts = facts_form.parsed()
        except PortalError:
            pass  # the form carries its field errors
        else:
            given = {k: v for k, v in context_form.cleaned_data.items() if v is not None}
            try:
                estimated = estimate(track=track, facts=facts, context=Context(**given))
            except PortalError as error:
                for message in error.errors["facts"][MILESTONE]:
                    facts_form.add_error(MILESTONE, message)
            else:
                context["result"] = answer_as_json(estimated, track)
    return render(request, "awards/estimate.html", context)
