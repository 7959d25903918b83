import pytest

from citizens.redaction import redact_contact_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The 'To' number +821012345678 is not a valid phone number.",
         "The 'To' number [phone] is not a valid phone number."),
        ("550 5.1.1 <kim.minji@example.co.kr>: Recipient address rejected",
         "550 5.1.1 <[email]>: Recipient address rejected"),
        ("call 010-1234-5678 or +82 10 1234 5678", "call [phone] or [phone]"),
        ("HTTP 429 Too Many Requests (error 20429)", "HTTP 429 Too Many Requests (error 20429)"),
        ("Message SID SM0123456789abcdef0123456789abcdef", "Message SID SM0123456789abcdef0123456789abcdef"),
    ],
)
def test_contact_data_is_replaced_and_codes_are_kept(text, expected):
    assert redact_contact_data(text) == expected
