"""The 43 territorial police forces of England and Wales, by policing region.

Codes are the Office for National Statistics police force area (PFA) codes.
"""

from django.utils.text import slugify

REGIONS: dict[str, list[tuple[str, str, str]]] = {
    # region: [(ONS code, force name, policing body title)]
    "East Midlands": [
        ("E23000018", "Derbyshire", "Police and Crime Commissioner"),
        ("E23000021", "Leicestershire", "Police and Crime Commissioner"),
        ("E23000020", "Lincolnshire", "Police and Crime Commissioner"),
        ("E23000022", "Northamptonshire", "Police, Fire and Crime Commissioner"),
        ("E23000019", "Nottinghamshire", "Police and Crime Commissioner"),
    ],
    "Eastern": [
        ("E23000026", "Bedfordshire", "Police and Crime Commissioner"),
        ("E23000023", "Cambridgeshire", "Police and Crime Commissioner"),
        ("E23000028", "Essex", "Police, Fire and Crime Commissioner"),
        ("E23000027", "Hertfordshire", "Police and Crime Commissioner"),
        ("E23000024", "Norfolk", "Police and Crime Commissioner"),
        ("E23000025", "Suffolk", "Police and Crime Commissioner"),
    ],
    "London": [
        ("E23000034", "City of London", "Police Authority Board"),
        ("E23000001", "Metropolitan Police", "Mayor's Office for Policing and Crime"),
    ],
    "North East": [
        ("E23000013", "Cleveland", "Police and Crime Commissioner"),
        ("E23000008", "Durham", "Police and Crime Commissioner"),
        ("E23000007", "Northumbria", "Police and Crime Commissioner"),
    ],
    "North West": [
        ("E23000006", "Cheshire", "Police and Crime Commissioner"),
        ("E23000002", "Cumbria", "Police, Fire and Crime Commissioner"),
        ("E23000005", "Greater Manchester", "Mayor of Greater Manchester"),
        ("E23000003", "Lancashire", "Police and Crime Commissioner"),
        ("E23000004", "Merseyside", "Police and Crime Commissioner"),
    ],
    "South East": [
        ("E23000030", "Hampshire and Isle of Wight", "Police and Crime Commissioner"),
        ("E23000032", "Kent", "Police and Crime Commissioner"),
        ("E23000031", "Surrey", "Police and Crime Commissioner"),
        ("E23000033", "Sussex", "Police and Crime Commissioner"),
        ("E23000029", "Thames Valley", "Police and Crime Commissioner"),
    ],
    "South West": [
        ("E23000036", "Avon and Somerset", "Police and Crime Commissioner"),
        ("E23000035", "Devon and Cornwall", "Police and Crime Commissioner"),
        ("E23000039", "Dorset", "Police and Crime Commissioner"),
        ("E23000037", "Gloucestershire", "Police and Crime Commissioner"),
        ("E23000038", "Wiltshire", "Police and Crime Commissioner"),
    ],
    "Wales": [
        ("W15000004", "Dyfed-Powys", "Police and Crime Commissioner"),
        ("W15000002", "Gwent", "Police and Crime Commissioner"),
        ("W15000001", "North Wales", "Police and Crime Commissioner"),
        ("W15000003", "South Wales", "Police and Crime Commissioner"),
    ],
    "West Midlands": [
        ("E23000016", "West Mercia", "Police and Crime Commissioner"),
        ("E23000014", "West Midlands", "Mayor of the West Midlands"),
        ("E23000015", "Staffordshire", "Police, Fire and Crime Commissioner"),
        ("E23000017", "Warwickshire", "Police and Crime Commissioner"),
    ],
    "Yorkshire and the Humber": [
        ("E23000012", "Humberside", "Police and Crime Commissioner"),
        ("E23000009", "North Yorkshire", "Mayor of York and North Yorkshire"),
        ("E23000011", "South Yorkshire", "Mayor of South Yorkshire"),
        ("E23000010", "West Yorkshire", "Mayor of West Yorkshire"),
    ],
}


def load_forces(region_model, force_model) -> None:
    """Create or update every region and force (used by the data migration and `flush`ed tests)."""
    for region_name, forces in REGIONS.items():
        region, _ = region_model.objects.get_or_create(
            slug=slugify(region_name), defaults={"name": region_name}
        )
        for code, name, title in forces:
            force_model.objects.update_or_create(
                ons_code=code,
                defaults={
                    "name": name,
                    "slug": slugify(name),
                    "region": region,
                    "commissioner_title": title,
                },
            )
