"""Which dashboard sections each kind of governance body sees, in order: on its board view
and in its board pack."""

from realise.governance.models import BodyType

BOARD_SECTIONS: dict[str, tuple[str, ...]] = {
    BodyType.FINANCIAL_STEERING_GROUP: (
        "headline",
        "slices",
        "subcategories",
        "over_time",
        "cashable",
        "forces",
    ),
    BodyType.PROGRAMME_BOARD: ("headline", "initiatives", "benefits", "over_time"),
    BodyType.CHIEF_CONSTABLE_BOARD: ("headline", "over_time", "benefits", "slices"),
    BodyType.DEPUTY_CHIEF_CONSTABLE_BOARD: ("headline", "over_time", "benefits", "slices"),
    BodyType.SUMMIT: ("headline", "escalations", "trend", "subcategories", "over_time"),
}
DEFAULT_BOARD_SECTIONS: tuple[str, ...] = ("headline", "slices", "over_time", "groups")
