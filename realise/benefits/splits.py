"""Penny-exact allocation of an amount over shares (the largest-remainder method).

Each part starts as its exact share rounded towards zero to a whole penny; the pennies
left over go one each to the parts with the largest remainders. Ties are broken by the
larger share, then by the key (for forces: the ONS code), so the result never depends on
the order the shares were given in. The parts always add up to the whole, and each part
is less than a penny from its exact share.

Negative amounts are allocated as the mirror image of the positive amount, so
`split(-x) == -split(x)` part by part.

`Decimal` and, to add up the splits of many amounts at once, numpy: no Django imports.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar, cast

PENNY = Decimal("0.01")

# `split_totals` splits this many amounts or more in numpy's whole-number arrays (a split at
# a time below it), when every product and sum fits well inside 64 bits.
_ARRAYS_FROM = 32
_ARRAY_LIMIT = 2**62

# The keys shares are given by (e.g. ONS codes), and the parts come back by.
K = TypeVar("K", bound=Hashable)


class Splitter(Generic[K]):
    """A fixed set of shares, ready to split many amounts quickly.

    `shares` maps a key (e.g. an ONS code) to its share: a percentage or any other
    non-negative weight with finitely many decimal places. Shares need not add up to 100;
    each key receives amount x share / sum of shares.
    """

    __slots__ = ("keys", "weights", "total", "_rank", "_preference", "index")

    def __init__(self, shares: Mapping[K, Decimal | int | str]) -> None:
        items = sorted(shares.items(), key=lambda item: str(item[0]))
        if not items:
            raise ValueError("There are no shares to split between.")
        values = []
        for key, raw in items:
            try:
                value = Decimal(raw)
            except (InvalidOperation, TypeError, ValueError):
                raise ValueError(f"The share of {key} is not a number: {raw!r}.") from None
            if not value.is_finite() or value < 0:
                raise ValueError(f"The share of {key} must be a number of 0 or more.")
            values.append(value)
        # Each share is finite, so its exponent is a whole number.
        places = max(max(-cast(int, value.as_tuple().exponent), 0) for value in values)
        self.keys = tuple(key for key, _ in items)
        self.weights = tuple(int(value.scaleb(places)) for value in values)
        self.total = sum(self.weights)
        if self.total <= 0:
            raise ValueError("The shares add up to nothing; there is nobody to give the amount to.")
        order = sorted(range(len(items)), key=lambda i: (-self.weights[i], str(self.keys[i])))
        rank = [0] * len(items)
        for position, i in enumerate(order):
            rank[i] = position
        self._rank = tuple(rank)
        # The rank turned round: the better the rank, the larger (for `split_totals`).
        self._preference = tuple(len(rank) - 1 - position for position in rank)
        self.index = {key: i for i, key in enumerate(self.keys)}

    def split_units(self, units: int) -> list[int]:
        """Split a whole number of units (e.g. pennies); parts in the order of `keys`."""
        if units < 0:
            return [-part for part in self.split_units(-units)]
        total = self.total
        products = [units * weight for weight in self.weights]
        parts = [product // total for product in products]
        left = units - sum(parts)
        if left:
            rank = self._rank
            remainders = [product % total for product in products]

            def order(i: int) -> tuple[int, int]:
                return -remainders[i], rank[i]

            if left == 1:
                parts[min(range(len(parts)), key=order)] += 1
            else:
                for i in sorted(range(len(parts)), key=order)[:left]:
                    parts[i] += 1
        return parts

    def split(self, amount: Decimal, quantum: Decimal = PENNY) -> dict[K, Decimal]:
        """Split `amount` (a whole number of `quantum`s) into parts keyed like the shares."""
        units = to_units(amount, quantum)
        exponent = cast(int, quantum.as_tuple().exponent)  # a finite quantum
        return {
            key: (quantum * part).quantize(Decimal(1).scaleb(exponent))
            for key, part in zip(self.keys, self.split_units(units), strict=True)
        }


def split_totals(
    splitters: Sequence[Splitter[K]],
    columns: Sequence[Sequence[int]],
    signs: Sequence[int] | None = None,
) -> list[dict[Splitter[K], list[int]]]:
    """Split each amount by the splitter at the same place, each on its own and to the
    penny, and add up the parts per splitter (parts in the order of its `keys`): one such
    sum per column of amounts (each column as long as `splitters`). With `signs` (1 or -1
    for each place), each amount is taken with its place's sign.

    Equal, part by part, to adding up `splitter.split_units(amount)` one amount at a time.
    """
    import numpy as np  # noqa: PLC0415 - loaded when first needed: a command starts sooner

    count = len(splitters)
    if count == 0:
        return [{} for _ in columns]

    def one_at_a_time() -> list[dict[Splitter[K], list[int]]]:
        signed = columns
        if signs is not None:
            signed = [[a * sign for a, sign in zip(c, signs, strict=True)] for c in columns]
        return [_one_at_a_time(splitters, column) for column in signed]

    distinct = list(dict.fromkeys(splitters))
    try:
        values = np.asarray(columns, dtype=np.int64).reshape(len(columns), count)
    except OverflowError:
        return one_at_a_time()
    if signs is not None:
        values = values * np.asarray(signs, dtype=np.int64)[None, :]
    units = np.abs(values)
    width = max(len(splitter.weights) for splitter in distinct)
    heaviest = max(max(splitter.weights) for splitter in distinct)
    fits = (
        units.size == 0
        or units.min() >= 0  # abs() of the most negative 64-bit number stays negative
        and int(units.max()) * max(heaviest, count) < _ARRAY_LIMIT
        and (max(splitter.total for splitter in distinct) + 1) * width < _ARRAY_LIMIT
    )
    if count < _ARRAYS_FROM or not fits:
        return one_at_a_time()
    # One row per splitter, padded with shares of nothing, which never take a penny: a
    # penny left over always goes to a part with a remainder, and theirs is 0.
    weights = np.zeros((len(distinct), width), dtype=np.int64)
    preference = np.full((len(distinct), width), -1, dtype=np.int64)
    for row, splitter in enumerate(distinct):
        size = len(splitter.weights)
        weights[row, :size] = splitter.weights
        preference[row, :size] = splitter._preference
    totals_of = np.asarray([splitter.total for splitter in distinct], dtype=np.int64)
    position = {splitter: row for row, splitter in enumerate(distinct)}
    which = np.fromiter(map(position.__getitem__, splitters), dtype=np.int64, count=count)
    order = np.argsort(which, kind="stable")
    which = which[order]
    starts = np.flatnonzero(np.r_[True, which[1:] != which[:-1]])
    shares, total, rank = weights[which], totals_of[which][:, None], preference[which]
    out = []
    for signed, amount in zip(values[:, order], units[:, order], strict=True):
        products = amount[:, None] * shares
        parts = products // total
        left = amount - parts.sum(axis=1)
        # The pennies left go to the largest remainders, ties to the better rank: one
        # whole number orders both, and no two parts of one amount have the same. The
        # `left` largest of an amount's keys are those at least its left-th largest.
        key = (products % total) * width + rank
        ranked = -np.sort(-key, axis=1)
        threshold = ranked[np.arange(count), np.maximum(left - 1, 0)]
        parts += (key >= threshold[:, None]) & (left > 0)[:, None]
        summed = np.add.reduceat(parts * np.sign(signed)[:, None], starts, axis=0)
        out.append(
            {
                distinct[row]: parts_of[: len(distinct[row].weights)]
                for row, parts_of in zip(which[starts].tolist(), summed.tolist(), strict=True)
            }
        )
    return out


def _one_at_a_time(
    splitters: Sequence[Splitter[K]], amounts: Sequence[int]
) -> dict[Splitter[K], list[int]]:
    out: dict[Splitter[K], list[int]] = {}
    for splitter, amount in zip(splitters, amounts, strict=True):
        totals = out.setdefault(splitter, [0] * len(splitter.weights))
        for i, part in enumerate(splitter.split_units(amount)):
            totals[i] += part
    return out


def to_units(amount: Decimal, quantum: Decimal = PENNY) -> int:
    """`amount` as a whole number of `quantum`s; a ValueError when it is not one."""
    units = Decimal(amount) / quantum
    if units != units.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of {quantum}.")
    return int(units)


def split(
    amount: Decimal, shares: Mapping[K, Decimal | int | str], quantum: Decimal = PENNY
) -> dict[K, Decimal]:
    """Split `amount` over `shares` to the penny; the parts always add up to `amount`.

    >>> split(Decimal("100.00"), {"E23000001": 1, "E23000002": 1, "E23000003": 1})
    {'E23000001': Decimal('33.34'), 'E23000002': Decimal('33.33'), 'E23000003': Decimal('33.33')}
    """
    return Splitter(shares).split(amount, quantum)
