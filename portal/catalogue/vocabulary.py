"""Fixed vocabularies of the catalogue (regions, kinds, stages) and their labels."""

from flask_babel import lazy_gettext as _l

REGIONS = {
    "pk-punjab": _l("Punjab"),
    "pk-sindh": _l("Sindh"),
    "pk-kp": _l("Khyber Pakhtunkhwa"),
    "pk-balochistan": _l("Balochistan"),
    "pk-islamabad": _l("Islamabad Capital Territory"),
    "pk-gb": _l("Gilgit-Baltistan"),
    "pk-ajk": _l("Azad Jammu and Kashmir"),
    "kg-bishkek": _l("Bishkek"),
    "kg-osh-city": _l("Osh (city)"),
    "kg-chui": _l("Chüy Region"),
    "kg-issyk-kul": _l("Issyk-Kul Region"),
    "kg-naryn": _l("Naryn Region"),
    "kg-talas": _l("Talas Region"),
    "kg-jalal-abad": _l("Jalal-Abad Region"),
    "kg-osh": _l("Osh Region"),
    "kg-batken": _l("Batken Region"),
}

ZONE_KINDS = {
    "sez": _l("Special economic zone"),
    "fez": _l("Free economic zone"),
    "tech_park": _l("Technology park"),
    "logistics": _l("Logistics centre"),
    "industrial_estate": _l("Industrial estate"),
}

OPPORTUNITY_KINDS = {
    "greenfield": _l("Greenfield project"),
    "joint_venture": _l("Joint venture"),
    "equity": _l("Equity stake"),
    "ppp": _l("Public-private partnership"),
    "expansion": _l("Expansion"),
    "export": _l("Export partnership"),
}

STAGES = {
    "concept": _l("Concept"),
    "feasibility": _l("Feasibility study done"),
    "ready": _l("Ready for investment"),
    "operating": _l("Operating business"),
}

SORTS = {
    "featured": _l("Featured first"),
    "newest": _l("Newest first"),
    "amount_asc": _l("Smallest investment first"),
    "amount_desc": _l("Largest investment first"),
}


def label(vocabulary: dict, code: str | None) -> str:
    """The label of ``code``, or the code itself if the vocabulary does not know it."""
    if code is None:
        return ""
    return str(vocabulary.get(code, code))
