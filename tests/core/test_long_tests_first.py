"""The long tests start the processes' shares of the suite (tests/conftest.py)."""

from tests.conftest import _long_first


class Item:
    def __init__(self, name: str, module: str, long: bool = False):
        self.name, self.module, self.long = name, module, long

    def get_closest_marker(self, name):
        return object() if name == "long" and self.long else None

    def __repr__(self):
        return self.name


def collection():
    return [
        Item("a1", "a"),
        Item("a2", "a"),
        Item("a3", "a"),
        Item("crawl", "x", long=True),
        Item("b1", "b"),
        Item("b2", "b"),
        Item("b3", "b"),
        Item("b4", "b"),
        Item("sweep1", "y", long=True),
        Item("sweep2", "y", long=True),
    ]


def names(items):
    return [item.name for item in items]


def test_each_long_module_starts_a_share_of_its_own():
    ordered = _long_first(collection(), 2)
    # Two shares of five, as xdist deals them out: each begins with a long module.
    assert names(ordered[:5]) == ["crawl", "a1", "a2", "a3", "b1"]
    assert names(ordered[5:]) == ["sweep1", "sweep2", "b2", "b3", "b4"]


def test_with_one_process_the_long_ones_come_first_and_nothing_is_lost():
    items = collection()
    ordered = _long_first(items, 1)
    assert names(ordered) == [
        "crawl",
        "sweep1",
        "sweep2",
        "a1",
        "a2",
        "a3",
        "b1",
        "b2",
        "b3",
        "b4",
    ]
    assert sorted(names(_long_first(items, 3))) == sorted(names(items))
    plain = [item for item in items if not item.long]
    assert _long_first(plain, 2) == plain
