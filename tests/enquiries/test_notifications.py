"""The enquiry's two mails as their readers see them, in every language."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date

from portal.enquiries import notifications
from tests.conftest import database
from tests.factories import make_enquiries

LANGUAGES = ["en", "ur", "ru", "ky"]
#: two full stops in a row, but not an ellipsis
DOUBLE_STOP = re.compile(r"(?<![.…])\.\.(?!\.)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_promised_date_ends_a_sentence_with_one_full_stop(app, agencies, lang):
    """Russian dates end in "г.": the acknowledgement says «…7 декабря 2026 г.», never «г..»."""
    with database(app):
        # NIA reads its notifications in Russian, so both mails carry a date in a language whose dates end in "."
        (enquiry,) = make_enquiries(destination="kg", language=lang)
        for month in range(1, 13):
            enquiry.reply_by = date(2026, month, 7)
            acknowledgement = next(m for m in notifications.queue_mail(enquiry, []) if m.kind == "acknowledgement")
            for message in enquiry.messages[-2:]:
                for body in (message.text_body, message.html_body):
                    assert not DOUBLE_STOP.search(body), body
                    assert "г.." not in body
            assert format_date(enquiry.reply_by, "long", locale=lang) in acknowledgement.text_body
