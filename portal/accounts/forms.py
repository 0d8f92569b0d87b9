"""Plain Django forms of the organisation pages. They check shape only; the rules live in the
services of portal/accounts/organisations.py, whose PortalError is added back to the form."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Delivery, NotificationKind, OrganisationKind
from portal.accounts.verification import queue_password_reset_email


class _PasswordTwiceMixin:
    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


def _password_fields():
    return (
        forms.CharField(
            label=_("Password"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_(
                "At least 10 characters; not only digits, not a common password, and not too close to your name "
                "or e-mail."
            ),
        ),
        forms.CharField(
            label=_("Password again"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class RegisterForm(_PasswordTwiceMixin, forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        help_text=_("The 18-character code on the business licence or registration certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type of organisation"), choices=OrganisationKind.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    # A text input with a phone keypad: the portal's stylesheet styles text inputs, not type="tel".
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    first_name = forms.CharField(
        label=_("Your name"), max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    username = forms.CharField(
        label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    email = forms.EmailField(label=_("Your e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password, password_again = _password_fields()


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's e-mail"),
        help_text=_("We send a link that works once and expires in 7 days."),
    )


class AcceptInvitationForm(_PasswordTwiceMixin, forms.Form):
    first_name = forms.CharField(
        label=_("Your name"), max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    username = forms.CharField(
        label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    email = forms.EmailField(label=_("Your e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password, password_again = _password_fields()


class TwoFactorCodeForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("The code has six digits."))
        return token


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form (the same answer for known and unknown addresses); its mail goes out through the outbox."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        queue_password_reset_email(user=context["user"])


class InboxPreferencesForm(forms.Form):
    """One choice per kind of news: its e-mail at once or in the daily digest (portal/accounts/inbox.py)."""

    def __init__(self, *args, initial_choices: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=(initial_choices or {}).get(kind, Delivery.IMMEDIATE),
            )
