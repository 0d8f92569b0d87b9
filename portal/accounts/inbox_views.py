"""The inbox pages: one's own items newest first, one item (opening it marks it read), and how each kind's
e-mail comes. Nobody opens another person's item, administrators included (`inbox.get_notification_for_user`
answers 404). Rules and writes live in portal/accounts/inbox.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts import inbox
from portal.accounts.forms import InboxPreferencesForm
from portal.errors import PortalError

PAGE_SIZE = 25


@never_cache
@login_required
@require_GET
def inbox_page(request):
    page = Paginator(inbox.inbox_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inbox/inbox.html", {"page": page})


@never_cache
@login_required
@require_GET
def inbox_item(request, pk: int):
    item = inbox.get_notification_for_user(request.user, pk)
    inbox.notification_mark_read(notification=item, by=request.user)
    return render(request, "inbox/item.html", {"item": item})


@login_required
@require_POST
def inbox_mark_all_read(request):
    marked = inbox.notifications_mark_all_read(by=request.user)
    if marked:
        messages.success(request, _("Every item of your inbox is marked read."))
    return redirect("inbox")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def inbox_settings(request):
    chosen = inbox.preferences_of(request.user)
    form = InboxPreferencesForm(request.POST or None, initial_choices=chosen)
    if request.method == "POST" and form.is_valid():
        try:
            inbox.preferences_set(user=request.user, choices=form.cleaned_data)
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your e-mail choices are saved."))
            return redirect("inbox-settings")
    return render(request, "inbox/settings.html", {"form": form})
