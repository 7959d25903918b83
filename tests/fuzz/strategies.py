"""Hypothesis strategies of hostile input: what a careless app, a broken browser or an attacker
may send to a form or an endpoint."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded and deterministic: the same examples every run, no example database in the work tree.
FUZZ_SETTINGS = settings(
    max_examples=25, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)  # fmt: skip

# Values that have broken forms elsewhere: control and NUL characters, markup, overlong text,
# numbers out of any range, impossible dates, right-to-left and combining characters, surrogate
# escapes, SQL and template syntax, and plausible values so that some submissions get through.
HOSTILE_SAMPLES = [
    "", " ", "\x00", "a\x00b", "\x1b[31m", "\r\n", "\t", "\u202e", "\ufeff", "e\u0301", "\U0001f4a9", "한국어",
    "<script>alert(1)</script>", "<b>x</b>", "' OR 1=1 --", "{{ secret }}", "%s%s%n", "../../etc/passwd",
    "-1", "0", "1", "2", "3", "99999999999999999999999999", "1e309", "-1e309", "NaN", "inf", "1.5", "0x10",
    "true", "false", "on", "null", "[]", "{}",
    "2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "2026-01-01", "1900-01-01", "2026-01-01T25:61:00",
    "010-1234-5678", "+821012345678", "a@b.c", "not-an-email", "x" * 300, "가" * 5001, "1" * 20,
    "37.5665", "126.978", "11680", "seoul.go.kr",
]  # fmt: skip

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@st.composite
def hostile_form(draw, field_names, *, required=None):
    """A POST body for a form with `field_names`: each field left out, sent once or sent several
    times with a hostile value, plus a few unknown fields. `required` maps fields to plausible
    values sent now and then, so that a submission sometimes reaches the service behind the form."""
    data = {}
    for name in field_names:
        choice = draw(st.sampled_from(["missing", "one", "one", "many", "plausible"]))
        if choice == "one":
            data[name] = draw(hostile_text)
        elif choice == "many":
            data[name] = draw(st.lists(hostile_text, min_size=2, max_size=3))
        elif choice == "plausible" and required and name in required:
            data[name] = draw(st.sampled_from(required[name]))
    for extra in draw(st.lists(st.sampled_from(["csrfmiddlewaretoken", "next", "pk", "id", "status", "__proto__"]),
                               max_size=2)):  # fmt: skip
        data[extra] = draw(hostile_text)
    return data


JUNK_FILES = st.sampled_from([
    ("photo.jpg", b""),
    ("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("../../evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ("doc.pdf", b"%PDF-1.4 junk"),
    ("\x00.gif", b"GIF89a"),
])  # fmt: skip
