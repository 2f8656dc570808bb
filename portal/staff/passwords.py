"""How strong a new password must be: at least 12 characters, and not easy to guess by zxcvbn's estimate.

zxcvbn (offline: its lists of common passwords, names and words ship with it)
scores a password from 0 to 4 by the guesses an attacker would need; staff
passwords need 3 or more. Its own feedback is English only, so the
explanation given is the portal's, in the user's language, from the kind of
pattern zxcvbn found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 3
#: zxcvbn refuses longer passwords (its run time grows with the length); the first this many characters decide
ESTIMATED_LENGTH = 72

#: words an attacker would try first against this portal's staff
PORTAL_WORDS = ("investment", "portal", "invest", "boi", "nia", "pakistan", "kyrgyzstan", "admin", "staff")

TOO_SHORT = _l("Please use at least %(min)d characters.")
EASY = _l("This password is too easy to guess.")
#: what zxcvbn found, by the pattern it matched
PATTERNS = {
    "dictionary": _l("It is a common password, word or name, or one close to it."),
    "repeat": _l("It repeats characters or words."),
    "sequence": _l("It is a sequence, like abcd or 1234."),
    "spatial": _l("It follows keys that are next to each other on a keyboard."),
    "date": _l("It contains a date or a year."),
    "regex": _l("It contains a date or a year."),
}
ADVICE = _l("Use a longer phrase of several unrelated words.")


def weakness(password: str, personal: Iterable[str] = ()) -> list[str] | None:
    """Why ``password`` is refused, as sentences in the current language; None if it is strong enough."""
    if len(password) < MIN_LENGTH:
        return [str(TOO_SHORT) % {"min": MIN_LENGTH}]
    words = [word for value in personal for word in re.split(r"[\W_]+", value.lower()) if len(word) >= 3]
    result = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=[*PORTAL_WORDS, *personal, *words])
    if result["score"] >= MIN_SCORE:
        return None
    reasons = [str(EASY)]
    for match in result["sequence"]:
        reason = PATTERNS.get(match.get("pattern", ""))
        if reason is not None and str(reason) not in reasons:
            reasons.append(str(reason))
    reasons.append(str(ADVICE))
    return reasons
