"""Awards: what the engine computed for an approved application, and where the money stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AwardState(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    PUBLICITY = "publicity", _("Public notice")
    CONFIRMED = "confirmed", _("Confirmed")
    LETTER_ISSUED = "letter_issued", _("Decision letter issued")
    DISBURSED = "disbursed", _("Disbursed")
    CLAWED_BACK = "clawed_back", _("Clawed back")


# Awards that hold money against caps and budgets (a clawed-back award gives its amount back).
HOLDING = [s for s in AwardState.values if s != AwardState.CLAWED_BACK]


class Award(models.Model):
    """The amount for one approved decision, with the engine's breakdown in both languages as
    computed, and the keys that the yearly cap, the overlap rule and the call budget sum over."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="awards")
    decision = models.OneToOneField("reviews.Decision", on_delete=models.PROTECT, related_name="award")
    organisation = models.ForeignKey("portal.Organisation", on_delete=models.PROTECT, related_name="awards")
    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="awards")
    program = models.ForeignKey("applications.Program", on_delete=models.PROTECT, related_name="awards")
    year = models.PositiveSmallIntegerField()
    # "<overlap group>|<product key>[|<track>]": one product or project is funded once per group.
    overlap_key = models.CharField(max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    breakdown = models.JSONField(default=dict)
    catalogue_version = models.CharField(max_length=40)
    state = models.CharField(_("state"), max_length=16, choices=AwardState.choices, default=AwardState.COMPUTED)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-computed_at"]
        indexes = [
            # The sums behind the yearly cap, the overlap rule and the call budget.
            models.Index(fields=["organisation", "program", "year"], name="award_yearly_cap"),
            models.Index(fields=["overlap_key"], name="award_overlap"),
            models.Index(fields=["call", "state"], name="award_call_budget"),
        ]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.application} ¥{self.amount}"
