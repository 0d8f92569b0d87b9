from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from applications.facts import FactsForm, estimate_schema
from applications.selectors import programs_with_tracks
from awards.engine import Context
from awards.estimates import estimate, resolve_track
from awards.explain import result_as_json
from awards.forms import EstimateContextForm, TrackChoiceForm
from portal.errors import PortalError


@require_http_methods(["GET", "POST"])
def estimate_page(request):
    """ "What could my project receive?": choose a measure (GET), answer its facts (POST), read the
    amount and how it was reached. Plain forms: works without JavaScript."""
    programs = programs_with_tracks()
    chooser = TrackChoiceForm(request.GET or None, programs=programs)
    context = {"chooser": chooser}
    if not chooser.is_valid():
        return render(request, "awards/estimate.html", context)
    try:
        track = resolve_track(*chooser.program_and_track())
    except PortalError as error:
        error.add_to_form(chooser)
        return render(request, "awards/estimate.html", context)
    schema = estimate_schema(track.program.fact_schema)
    data = request.POST if request.method == "POST" else None
    facts_form = FactsForm(schema, data)
    context_form = EstimateContextForm(data, prefix="context")
    context.update(track=track, program=track.program, facts_form=facts_form, context_form=context_form)
    if request.method == "POST" and context_form.is_valid():
        try:
            facts = facts_form.parsed()
        except PortalError:
            pass  # the form carries its field errors
        else:
            given = {k: v for k, v in context_form.cleaned_data.items() if v is not None}
            result = estimate(track=track, facts=facts, context=Context(**given))
            context["result"] = result_as_json(result, track)
    return render(request, "awards/estimate.html", context)
