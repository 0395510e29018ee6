"""Penny-exact allocation of an amount over shares (the largest-remainder method).

Each part starts as its exact share rounded towards zero to a whole penny; the pennies
left over go one each to the parts with the largest remainders. Ties are broken by the
larger share, then by the key (for forces: the ONS code), so the result never depends on
the order the shares were given in. The parts always add up to the whole, and each part
is less than a penny from its exact share.

Negative amounts are allocated as the mirror image of the positive amount, so
`split(-x) == -split(x)` part by part.

Pure Python and `Decimal`: no Django imports.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar, cast

PENNY = Decimal("0.01")

# The keys shares are given by (e.g. ONS codes), and the parts come back by.
K = TypeVar("K", bound=Hashable)


class Splitter(Generic[K]):
    """A fixed set of shares, ready to split many amounts quickly.

    `shares` maps a key (e.g. an ONS code) to its share: a percentage or any other
    non-negative weight with finitely many decimal places. Shares need not add up to 100;
    each key receives amount x share / sum of shares.
    """

    __slots__ = ("keys", "weights", "total", "_rank", "index")

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
