"""Splitting an amount between forces to the penny: the parts always add up to the whole."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from realise.benefits.splits import Splitter, split, split_totals

D = Decimal
ESSEX, KENT, NORFOLK = "E23000028", "E23000032", "E23000024"


def test_equal_shares_give_the_odd_penny_to_the_lowest_ons_code():
    parts = split(D("100.00"), {KENT: "33.3333", NORFOLK: "33.3333", ESSEX: "33.3333"})
    assert parts == {NORFOLK: D("33.34"), ESSEX: D("33.33"), KENT: D("33.33")}


def test_the_larger_share_wins_a_tied_remainder():
    # 5p at 50/30/20: exact 2.5p, 1.5p, 1p. Floors 2+1+1 = 4p; the 5th penny is tied
    # between the 50% and the 30% share (both 0.5p over) and goes to the larger.
    parts = split(D("0.05"), {NORFOLK: 20, KENT: 30, ESSEX: 50})
    assert parts == {ESSEX: D("0.03"), KENT: D("0.01"), NORFOLK: D("0.01")}


def test_the_largest_remainder_wins_over_the_larger_share():
    # £100.01 at Essex 47.3 / Kent 52.7: exact 47.304730 and 52.705270.
    parts = split(D("100.01"), {ESSEX: D("47.3"), KENT: D("52.7")})
    assert parts == {ESSEX: D("47.30"), KENT: D("52.71")}


def test_seven_force_alliance_split_adds_up():
    shares = {
        "Bedfordshire": "8.8",
        "Cambridgeshire": "10.5",
        "Essex": "21.3",
        "Hertfordshire": "14.0",
        "Kent": "23.7",
        "Norfolk": "12.0",
        "Suffolk": "9.7",
    }
    parts = split(D("1150000.00"), shares)
    assert parts["Kent"] == D("272550.00")
    assert parts["Bedfordshire"] == D("101200.00")
    assert sum(parts.values()) == D("1150000.00")


def test_negative_amounts_mirror_positive_ones():
    assert split(D("-100.01"), {ESSEX: D("47.3"), KENT: D("52.7")}) == {
        ESSEX: D("-47.30"),
        KENT: D("-52.71"),
    }


def test_a_zero_share_gets_nothing():
    assert split(D("0.03"), {ESSEX: 0, KENT: 1, NORFOLK: 1}) == {
        ESSEX: D("0.00"),
        KENT: D("0.01"),
        NORFOLK: D("0.02"),
    }


@pytest.mark.parametrize(
    "shares",
    [{}, {ESSEX: 0}, {ESSEX: -1, KENT: 101}, {ESSEX: "lots"}],
)
def test_shares_that_cannot_split_anything_are_refused(shares):
    with pytest.raises(ValueError):
        Splitter(shares)


def test_fractions_of_a_penny_are_refused():
    with pytest.raises(ValueError):
        split(D("0.005"), {ESSEX: 1})


# Properties -------------------------------------------------------------------------------

codes = st.integers(min_value=1, max_value=99).map(lambda n: f"E230000{n:02d}")


@st.composite
def percent_shares(draw):
    """Shares in percent with up to four decimal places, adding up to exactly 100."""
    keys = draw(st.lists(codes, min_size=1, max_size=12, unique=True))
    cuts = sorted(
        draw(st.lists(st.integers(0, 1_000_000), min_size=len(keys) - 1, max_size=len(keys) - 1))
    )
    bounds = [0, *cuts, 1_000_000]
    return {key: D(bounds[i + 1] - bounds[i]).scaleb(-4) for i, key in enumerate(keys)}


@st.composite
def any_shares(draw):
    """Arbitrary non-negative weights (not necessarily adding up to 100), at least one > 0."""
    keys = draw(st.lists(codes, min_size=1, max_size=10, unique=True))
    weights = draw(
        st.lists(
            st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False),
            min_size=len(keys),
            max_size=len(keys),
        )
    )
    weights[0] = weights[0] or D("1")
    return dict(zip(keys, weights, strict=True))


pennies = st.integers(min_value=-(10**14), max_value=10**14).map(lambda n: D(n).scaleb(-2))


def check_exact(amount: Decimal, shares: dict, parts: dict) -> None:
    assert set(parts) == set(shares)
    assert sum(parts.values(), D("0")) == amount
    total = sum((Fraction(s) for s in shares.values()), Fraction(0))
    for key, part in parts.items():
        exact = Fraction(amount) * Fraction(shares[key]) / total
        assert abs(Fraction(part) - exact) < Fraction(1, 100)
        assert part == part.quantize(D("0.01"))


@given(amount=pennies, shares=percent_shares())
def test_percent_shares_always_sum_to_the_whole_within_a_penny_each(amount, shares):
    check_exact(amount, shares, split(amount, shares))


@given(amount=pennies, shares=any_shares())
def test_any_weights_always_sum_to_the_whole_within_a_penny_each(amount, shares):
    check_exact(amount, shares, split(amount, shares))


@given(amount=pennies, shares=percent_shares(), data=st.data())
def test_the_order_the_shares_are_given_in_does_not_matter(amount, shares, data):
    shuffled = dict(data.draw(st.permutations(list(shares.items()))))
    assert split(amount, shuffled) == split(amount, shares)


@given(amount=pennies, shares=percent_shares())
def test_negative_is_the_mirror_image(amount, shares):
    positive = split(amount, shares)
    negative = split(-amount, shares)
    assert negative == {key: -value for key, value in positive.items()}


# Adding up many splits at once ------------------------------------------------------------


def _one_by_one(splitters: list, amounts: list[int]) -> dict:
    out: dict = {}
    for splitter, amount in zip(splitters, amounts, strict=True):
        totals = out.setdefault(splitter, [0] * len(splitter.keys))
        for i, part in enumerate(splitter.split_units(amount)):
            totals[i] += part
    return out


def test_many_splits_added_up_worked_example():
    # 40 benefits of 5p each at 50/30/20: each splits 3p/1p/1p (the tied fifth penny goes
    # to the larger share), so 120p, 40p and 40p; one of -5p takes one such split away.
    # Beside them, 40 benefits of 1p at an even split between two: the penny goes to the
    # lower ONS code each time.
    three = Splitter({ESSEX: 50, KENT: 30, NORFOLK: 20})
    two = Splitter({KENT: 1, ESSEX: 1})
    (added,) = split_totals([three] * 41 + [two] * 40, [[5] * 40 + [-5] + [1] * 40])
    assert dict(zip(three.keys, added[three], strict=True)) == {ESSEX: 117, KENT: 39, NORFOLK: 39}
    assert dict(zip(two.keys, added[two], strict=True)) == {ESSEX: 40, KENT: 0}
    # Splitting the sum (195p) instead would give 98p, 58p and 39p: not what is asked for.
    whole = dict(zip(three.keys, three.split_units(195), strict=True))
    assert whole == {ESSEX: 98, KENT: 58, NORFOLK: 39}


@given(
    shares=st.lists(percent_shares(), min_size=1, max_size=4),
    amounts=st.lists(
        st.tuples(st.integers(0, 3), st.integers(-(10**11), 10**11)), min_size=0, max_size=200
    ),
)
def test_added_up_splits_equal_the_splits_one_by_one(shares, amounts):
    splitters = [Splitter(one) for one in shares]
    chosen = [splitters[i % len(splitters)] for i, _ in amounts]
    values = [amount for _, amount in amounts]
    halves = [amount // 2 for amount in values]
    assert split_totals(chosen, [values, halves]) == [
        _one_by_one(chosen, values),
        _one_by_one(chosen, halves),
    ]
    # Signs given apart: each amount taken with its own.
    signs = [-1 if i % 3 == 0 else 1 for i in range(len(values))]
    signed = [amount * sign for amount, sign in zip(values, signs, strict=True)]
    assert split_totals(chosen, [values], signs) == [_one_by_one(chosen, signed)]


@given(
    shares=any_shares(),
    amounts=st.lists(st.integers(-(10**18), 10**18), min_size=30, max_size=80),
)
def test_amounts_too_large_for_arrays_are_still_exact(shares, amounts):
    splitter = Splitter(shares)
    chosen = [splitter] * len(amounts)
    assert split_totals(chosen, [amounts]) == [_one_by_one(chosen, amounts)]
    signs = [-1] * len(amounts)
    assert split_totals(chosen, [amounts], signs) == [
        _one_by_one(chosen, [-amount for amount in amounts])
    ]
