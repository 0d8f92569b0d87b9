"""How often objections may be filed and letters looked up on the verification page (DRF's cache-based throttles,
counted in Redis across web processes).

Each open objection holds an award back from confirmation, so a flood of them would stall a whole call."""

from rest_framework.throttling import SimpleRateThrottle


class ObjectionAddressThrottle(SimpleRateThrottle):
    """Per client address (REMOTE_ADDR, or as NUM_PROXIES says behind a proxy); every attempt counts."""

    scope = "objection_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ObjectionIdentityThrottle(SimpleRateThrottle):
    """Per objector: the normalised resident ID number or USCC, whatever address it comes from."""

    scope = "objection_identity"

    def __init__(self, identity: str):
        super().__init__()
        self.identity = identity

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.identity}


class VerifyThrottle(SimpleRateThrottle):
    """Lookups of the verification page and its API, together, per client address: a person checks a letter or
    two; a client guessing tokens is refused long before it could find one (128 random bits)."""

    scope = "verify"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
