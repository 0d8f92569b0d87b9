"""The one decorator that lets a person into a page: `@requires(check)`.

`check(user)` is a predicate of `portal.accounts.predicates` (answering a bool) or a `can_*` function taking
only the user (answering (allowed, reason)). Put it under `@login_required` and the method decorator, so a
visitor is still sent to the login page and a wrong method is still a 405 before anyone is asked who they
are:

    @login_required
    @require_GET
    @requires(is_commission_staff)
    def queue_page(request): ...

Refused, a page answers 404 by default: the page of another role does not exist for them, as everywhere in
the portal. `otherwise=403` answers 403 with the reason, for pages a person knows are there but may not use
(setting up two-factor sign-in, managing one's own team).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

Check = Callable[..., bool | tuple[bool, str]]


def requires(check: Check, *, otherwise: int = 404):
    if otherwise not in (403, 404):
        raise ValueError(f"a refused page answers 403 or 404, not {otherwise}")

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                # As login_required does, should the decorator ever stand without it.
                return redirect_to_login(request.get_full_path())
            answer = check(user)
            allowed, reason = answer if isinstance(answer, tuple) else (answer, "")
            if allowed:
                return view(request, *args, **kwargs)
            if otherwise == 403:
                raise PermissionDenied(reason)
            raise Http404

        return guarded

    return decorator
