"""The enums templates compare with, so that a template spells a state or an action once, as the code does:
`{% if application.state == State.DRAFT %}`, `{% if Action.APPROVE in steps %}`, `value="{{ Action.REJECT }}"`.

Each app registers its own enums in its `AppConfig.ready()` (this shell imports no app). Pages get them from the
context processor `enums` (settings.TEMPLATES), e-mails from `portal.bilingual.render_bilingual_email`, which
renders without a request. Each enum is given as {member name: member}: a template would call the class.
"""

from enum import Enum

REGISTERED: dict[str, dict[str, Enum]] = {}


def register(*enums: type[Enum]) -> None:
    for enum in enums:
        known = REGISTERED.get(enum.__name__)
        if known is not None and next(iter(known.values())).__class__ is not enum:
            raise ValueError(f"two enums named {enum.__name__} for the templates")
        REGISTERED[enum.__name__] = {member.name: member for member in enum}


def enums(request) -> dict[str, dict[str, Enum]]:
    return REGISTERED
