"""Cell coercion: Excel's habits undone, clear errors for what cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulkops.validation import cells
from bulkops.validation.cells import CellError


@pytest.mark.parametrize(
    "raw",
    [
        "4045550100",
        4045550100.0,
        4045550100,
        "(404) 555-0100",
        "404-555-0100",
        "404.555.0100",
        "+1 404-555-0100",
        "+1 (404) 555 0100",
        "14045550100",
        " 404 555 0100 ",
        "4.0455501E+09",
    ],
)
def test_phone_spellings_become_ten_digits(raw: object) -> None:
    """Every way Excel or a person writes a number reads as the 10 digits."""
    assert cells.to_phone(raw) == "4045550100"


def test_phone_with_lost_leading_zero_says_why() -> None:
    """A 9-digit number asks whether Excel dropped a leading zero."""
    with pytest.raises(CellError, match="leading zero") as caught:
        cells.to_phone(987654321.0)
    assert caught.value.code == "invalid-phone"


def test_phone_in_lossy_scientific_notation_is_refused() -> None:
    """'1.11E+09' from a CSV lost digits: refused with how to fix it, not guessed."""
    with pytest.raises(CellError, match="scientific notation"):
        cells.to_phone("1.11E+09")


@pytest.mark.parametrize("raw", ["+44 20 7946 0958", "555-0100", "call me", "40455501000"])
def test_phone_refusals(raw: str) -> None:
    """Foreign, short, long and non-numeric values are phone errors."""
    with pytest.raises(CellError) as caught:
        cells.to_phone(raw)
    assert caught.value.code == "invalid-phone"


def test_undialable_numbers_are_flagged_but_valid() -> None:
    """The vendor's placeholder 1111111111 is 10 digits but no NANP number."""
    assert cells.to_phone("1111111111") == "1111111111"
    assert cells.undialable("1111111111")
    assert not cells.undialable("4045550100")


def test_display_form_matches_the_api() -> None:
    """Overflow numbers are displayed as (111)-111-1110 on the wire."""
    assert cells.display_phone("1111111110") == "(111)-111-1110"


@pytest.mark.parametrize("raw", [True, 1, 1.0, "TRUE", "yes", "Y", "1", "on", "x", " Yes "])
def test_true_spellings(raw: object) -> None:
    """All the ways to write Yes."""
    assert cells.to_bool(raw) is True


@pytest.mark.parametrize("raw", [False, 0, 0.0, "FALSE", "no", "N", "0", "off"])
def test_false_spellings(raw: object) -> None:
    """All the ways to write No."""
    assert cells.to_bool(raw) is False


def test_bool_refusal_names_the_value() -> None:
    """'maybe' is neither Yes nor No, and the message quotes it."""
    with pytest.raises(CellError, match="'maybe'"):
        cells.to_bool("maybe")


@pytest.mark.parametrize(
    ("raw", "expected"), [(30.0, 30), ("30", 30), ("1,030", 1030), (" 7 ", 7), ("3.0", 3)]
)
def test_integers(raw: object, expected: int) -> None:
    """Whole numbers from floats, text and thousands separators."""
    assert cells.to_int(raw) == expected


@pytest.mark.parametrize("raw", [2.5, "2.5", "abc", True])
def test_integer_refusals(raw: object) -> None:
    """Fractions, words and booleans are not whole numbers."""
    with pytest.raises(CellError):
        cells.to_int(raw)


def test_numbers_keep_whole_values_integral() -> None:
    """10.0 goes on the wire as 10, 12.5 stays 12.5, '$150' is 150."""
    assert cells.to_number(10.0) == 10
    assert isinstance(cells.to_number(10.0), int)
    assert cells.to_number("12.5") == 12.5
    assert cells.to_number("$150") == 150


def test_digits_keep_leading_zeros_and_drop_excel_float() -> None:
    """Text ids keep their zeros; 1080.0 is '1080'."""
    assert cells.to_digits("0042") == "0042"
    assert cells.to_digits(1080.0) == "1080"
    with pytest.raises(CellError):
        cells.to_digits("10-80")


def test_choice_matching_ignores_case_spaces_and_dashes() -> None:
    """'Round Robin' and 'round-robin' are round_robin; unknown values list the allowed."""
    allowed = ("round_robin", "sequential")
    assert cells.to_choice("Round Robin", allowed) == "round_robin"
    assert cells.to_choice("round-robin", allowed) == "round_robin"
    with pytest.raises(CellError, match=r"'round_robin', 'sequential'.*did you mean 'sequential'"):
        cells.to_choice("sequentail", allowed)


def test_id_lists() -> None:
    """'84784; 7849' and a single number become lists of ids."""
    assert cells.to_id_list("84784; 7849") == [84784, 7849]
    assert cells.to_id_list("84784;7849;") == [84784, 7849]
    assert cells.to_id_list(84784.0) == [84784]
    with pytest.raises(CellError, match="'bob' is not an id"):
        cells.to_id_list("84784; bob")


def test_text_undoes_excel_float() -> None:
    """A name typed as 12 is read back as '12', not '12.0'."""
    assert cells.to_text(12.0) == "12"
    assert cells.to_text("  Main  ") == "Main"


_COERCERS = [
    cells.to_text,
    cells.to_int,
    cells.to_number,
    cells.to_bool,
    cells.to_digits,
    cells.to_phone,
    cells.to_id_list,
]


@given(
    raw=st.one_of(
        st.text(max_size=40),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(),
        st.booleans(),
    ),
    index=st.integers(min_value=0, max_value=len(_COERCERS) - 1),
)
def test_coercers_only_ever_raise_cell_errors(raw: object, index: int) -> None:
    """Whatever a cell holds, coercion returns a value or a CellError with a known code."""
    from bulkops.model.problems import CODES

    caught: CellError | None = None
    try:
        _COERCERS[index](raw)
    except CellError as error:
        caught = error
    if caught is not None:
        assert caught.code in CODES
        assert caught.message


@given(
    st.from_regex(r"[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True),
    st.sampled_from(["{a}{b}{c}", "({a}) {b}-{c}", "+1 {a}-{b}-{c}", "1{a}{b}{c}", "{a}.{b}.{c}"]),
)
def test_any_formatting_of_a_number_reads_back(digits: str, form: str) -> None:
    """A dialable number in any common format reads back as its 10 digits."""
    text = form.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    assert cells.to_phone(text) == digits
    assert cells.to_phone(float(digits)) == digits


def test_date_times_need_their_time_zone() -> None:
    """A moment is kept with its offset; one without a zone (Excel's) is refused."""
    from datetime import datetime

    from bulkops.validation.moments import to_datetime

    assert to_datetime("2026-12-01 09:00 America/New_York") == "2026-12-01T09:00:00-05:00"
    assert to_datetime("2026-07-01 09:00 america/chicago") == "2026-07-01T09:00:00-05:00"
    assert to_datetime("2026-12-01T09:00Z") == "2026-12-01T09:00:00+00:00"
    assert to_datetime("2026-12-01T09:00:00+01:00") == "2026-12-01T09:00:00+01:00"
    for bad in (
        "2026-12-01 09:00",
        datetime(2026, 12, 1, 9),
        "next tuesday",
        "2026-12-01 09:00 Mars/Base",
    ):
        with pytest.raises(CellError) as caught:
            to_datetime(bad)
        assert caught.value.code == "invalid-datetime"


def test_time_zones_and_emails() -> None:
    from bulkops.validation.cells import to_email
    from bulkops.validation.moments import to_timezone

    assert to_timezone("america/new_york") == "America/New_York"
    with pytest.raises(CellError, match="did you mean 'America/Chicago'"):
        to_timezone("America/Chicgo")
    assert to_email(" ana@x.example ") == "ana@x.example"
    with pytest.raises(CellError) as caught:
        to_email("ana.x.example")
    assert caught.value.code == "invalid-email"


def test_phone_lists_from_a_cell_or_a_file_beside_the_input(tmp_path: Path) -> None:
    """';'-separated numbers, or a CSV file (header skipped) read relative to the input."""
    from bulkops.validation.recipients import INPUT_DIR, to_phone_list

    assert to_phone_list("4045550101; (404) 555-0102") == ["4045550101", "4045550102"]
    (tmp_path / "r.csv").write_text("phone\n4045550101\n+1 404 555 0102\n", encoding="utf-8")
    token = INPUT_DIR.set(tmp_path)
    try:
        assert to_phone_list("r.csv") == ["4045550101", "4045550102"]
        with pytest.raises(CellError) as caught:
            to_phone_list("missing.csv")
        assert caught.value.code == "recipients-file"
        (tmp_path / "bad.csv").write_text("4045550101\n12345\n", encoding="utf-8")
        with pytest.raises(CellError, match=r"bad\.csv line 2"):
            to_phone_list("bad.csv")
        outside = tmp_path.parent / "outside.csv"
        outside.write_text("4045550101\n", encoding="utf-8")
        for name in ("../outside.csv", str(outside)):
            with pytest.raises(CellError, match="outside the workbook's folder"):
                to_phone_list(name)
    finally:
        INPUT_DIR.reset(token)


def test_states_by_name_and_the_usual_zone_words() -> None:
    """A State cell takes the state's name; a zone written as people say it is not guessed,
    but the IANA name is suggested."""
    from bulkops.resources import get_resource
    from bulkops.validation.columns import coercer
    from bulkops.validation.moments import to_timezone

    state = coercer(get_resource("groups").by_path["state"])
    assert state("Georgia") == "GA"
    assert state("new york") == "NY"
    assert state("ga") == "GA"
    with pytest.raises(CellError, match=r"'HI' and 40 more \(the cell's dropdown\)"):
        state("Goergia")
    with pytest.raises(CellError, match="did you mean 'America/Chicago'"):
        to_timezone("Central")
    with pytest.raises(CellError, match="did you mean 'America/Los_Angeles'"):
        to_timezone("PST")
