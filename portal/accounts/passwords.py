"""Password rules: Django's, with the messages its Chinese catalogue misses.

Django 5.2 changed the wording of the minimum-length error ("%d character" for "%(min_length)d character") and its
zh_Hans catalogue still translates the old one, so the Chinese sign-up page showed that error in English."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
