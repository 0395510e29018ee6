"""Reading a benefit page's tables in tests: a table by its id, and a row's figures."""


def table(html: str, caption: str) -> str:
    """The HTML of the table whose id is `caption`, up to its end."""
    start = html.index(f'id="{caption}"')
    return html[start : html.index("</table>", start)]


def row(table_html: str, header: str) -> list[str]:
    """The numeric cells of the row headed `header`, as shown."""
    start = table_html.index(header)
    cells = table_html[start : table_html.index("</tr>", start)]
    return [cell.split("</td>")[0] for cell in cells.split('numeric">')[1:]]
