"""Shanghai's districts by the administrative division code in a USCC (digits 3-8).

Codes of districts since merged stay valid on certificates issued before the merger, so they map to
the district that absorbed them.
"""

from django.utils.translation import gettext_lazy as _

SHANGHAI_PREFIX = "31"

DISTRICTS = {
    "huangpu": _("Huangpu"),
    "xuhui": _("Xuhui"),
    "changning": _("Changning"),
    "jingan": _("Jing'an"),
    "putuo": _("Putuo"),
    "hongkou": _("Hongkou"),
    "yangpu": _("Yangpu"),
    "minhang": _("Minhang"),
    "baoshan": _("Baoshan"),
    "jiading": _("Jiading"),
    "pudong": _("Pudong New Area"),
    "jinshan": _("Jinshan"),
    "songjiang": _("Songjiang"),
    "qingpu": _("Qingpu"),
    "fengxian": _("Fengxian"),
    "chongming": _("Chongming"),
    "municipal": _("Municipal level"),
}

DIVISION_TO_DISTRICT = {
    "310000": "municipal",
    "310100": "municipal",
    "310101": "huangpu",
    "310103": "huangpu",  # former Luwan, merged 2011
    "310104": "xuhui",
    "310105": "changning",
    "310106": "jingan",
    "310107": "putuo",
    "310108": "jingan",  # former Zhabei, merged 2015
    "310109": "hongkou",
    "310110": "yangpu",
    "310112": "minhang",
    "310113": "baoshan",
    "310114": "jiading",
    "310115": "pudong",
    "310119": "pudong",  # former Nanhui, merged 2009
    "310116": "jinshan",
    "310117": "songjiang",
    "310118": "qingpu",
    "310120": "fengxian",
    "310141": "pudong",  # China (Shanghai) Pilot Free Trade Zone registrations
    "310151": "chongming",
    "310230": "chongming",  # Chongming County before 2016
}

DISTRICT_CHOICES = list(DISTRICTS.items())


def district_for_division(division: str) -> str:
    """The district key for a Shanghai division code; 'municipal' for an unlisted 31xxxx code."""
    return DIVISION_TO_DISTRICT.get(division, "municipal")
