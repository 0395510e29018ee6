"""Documents to PDF (an HTML template per document, through WeasyPrint) and to Word
(python-docx), from the same content dict (see `realise.documents.blocks`).

Both are A4 with the protective marking at the top and bottom of every page, page numbers
("Page 2 of 9") and, on packs, a contents list. Charts are PNG images, each followed by its
data table. PDF fonts are embedded by WeasyPrint (DejaVu Sans, Debian's fonts-dejavu-core);
Word files name Arial, which Word has and LibreOffice replaces with a metric twin.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass

import docx
from django.template.loader import render_to_string
from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from realise.core.formatting import page_counter_css, page_words
from realise.documents.formats import rag_key
from realise.documents.models import Marking

PDF = "pdf"
DOCX = "docx"
FORMATS = (PDF, DOCX)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TEMPLATES = {
    "highlight": "documents/print/highlight.html",
    "board_pack": "documents/print/board_pack.html",
    "closure": "documents/print/closure.html",
    "inspection": "documents/print/inspection.html",
}
PDF_FONT = "DejaVu Sans"
DOCX_FONT = "Arial"
RAG_FILLS = {"Red": "D4351C", "Amber": "FFDD00", "Green": "00703C"}
RAG_TEXT = {"Red": "FFFFFF", "Amber": "0B0C0C", "Green": "FFFFFF"}
# A word longer than this (a URL, an identifier) may break anywhere in a PDF table, so that
# it cannot push the columns after it off the page.
LONG_WORD = 20
# Characters XML 1.0 (and so Word) cannot hold; people paste them from other programs.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    content_type: str


def check_marking(marking: str) -> str:
    if marking not in Marking.values:
        raise ValueError(f"'{marking}' is not a protective marking; use one of {Marking.values}.")
    return marking


def _clean(value):
    """The document with every text made safe for XML (charts' bytes are left alone)."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    return value


def render(document: dict, fmt: str) -> Rendered:
    """The document as PDF or Word bytes, with its file name."""
    check_marking(document["marking"])
    document = _clean(document)
    if fmt == PDF:
        content = render_pdf(document)
    elif fmt == DOCX:
        content = render_docx(document)
    else:
        raise ValueError(f"'{fmt}' is not a document format; use pdf or docx.")
    return Rendered(content, f"{document['filename']}.{fmt}", CONTENT_TYPES[fmt])


# PDF -----------------------------------------------------------------------------------------


def _cells(table: dict) -> dict:
    """A copy of a table block whose rows carry each cell's CSS class for the template."""
    out = dict(table)
    out["cells"] = []
    for row in table["rows"]:
        cells = []
        for column, text in zip(table["columns"], row, strict=True):
            classes = []
            if column["numeric"]:
                classes.append("numeric")
            elif any(len(word) > LONG_WORD for word in text.split()):
                classes.append("long-words")
            key = rag_key(text) if column["rag"] else None
            if key in RAG_FILLS:
                classes.append(f"rag-{key}")
            cells.append({"text": text, "css": " ".join(classes)})
        out["cells"].append(cells)
    return out


def _for_html(document: dict) -> dict:
    """A copy for the HTML template: charts carry their PNG as a data URI, tables their
    cells' classes."""
    out = dict(document)
    out["facts_block"] = {"type": "facts", "rows": document["facts"]}
    out["sections"] = []
    for section in document["sections"]:
        copied = dict(section)
        copied["blocks"] = []
        for block in section["blocks"]:
            if block["type"] == "chart":
                block = dict(block)
                block["src"] = "data:image/png;base64," + base64.b64encode(block["png"]).decode()
                block["table"] = _cells(block["table"])
            elif block["type"] == "table":
                block = _cells(block)
            copied["blocks"].append(block)
        out["sections"].append(copied)
    return out


def render_html(document: dict) -> str:
    return render_to_string(
        TEMPLATES[document["kind"]],
        {
            "doc": _for_html(document),
            "font": PDF_FONT,
            "lang": _html_lang(),
            "page_counter": page_counter_css(),
            "produced": produced_line(document["produced_on"]),
        },
    )


def _html_lang() -> str:
    """`cy` or `en-GB`: the language the document is written in."""
    return "cy" if (translation.get_language() or "").startswith("cy") else "en-GB"


def produced_line(day) -> str:
    """'Produced on 4 December 2026 by Realise.' in the language of the document."""
    return _("Produced on %(day)s by Realise.") % {"day": dateformat.format(day, "j F Y")}


def render_pdf(document: dict) -> bytes:
    # Imported here: WeasyPrint takes half a second to load, and only a PDF needs it.
    from weasyprint import HTML  # noqa: PLC0415

    html = render_html(document)
    return HTML(string=html, base_url=None).write_pdf(pdf_identifier=document["filename"].encode())


# Word ----------------------------------------------------------------------------------------


def _field(paragraph, instruction: str, shown: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES, PAGEREF...) with the text shown until it is updated."""

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run_with(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _bookmark(paragraph, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _marking_paragraph(container, marking: str, *, page_numbers: bool = False) -> None:
    paragraph = container.paragraphs[0] if container.paragraphs else container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(10)
    if page_numbers:
        numbers = container.add_paragraph()
        numbers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        before, _page, between, _pages, after = page_words()
        if before:
            numbers.add_run(before)
        _field(numbers, "PAGE")
        numbers.add_run(between)
        _field(numbers, "NUMPAGES")
        if after:
            numbers.add_run(after)


def _docx_table(doc, block: dict) -> None:
    caption = doc.add_paragraph(block["caption"], style="Caption")
    caption.paragraph_format.keep_with_next = True
    if not block["rows"]:
        doc.add_paragraph(block["empty"])
        return
    columns = block["columns"]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    widths = _column_widths(block)
    header = table.rows[0]
    _repeat_header(header)
    for cell, column in zip(header.cells, columns, strict=True):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(column["label"])
        run.bold = True
        run.font.size = Pt(8)
        if column["numeric"]:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _shade(cell, "F3F2F1")
    for values in block["rows"]:
        cells = table.add_row().cells
        for cell, column, value in zip(cells, columns, values, strict=True):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            run.font.size = Pt(8)
            if column["numeric"]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            key = rag_key(value) if column["rag"] else None
            if key in RAG_FILLS:
                _shade(cell, RAG_FILLS[key])
                run.bold = True
                run.font.color.rgb = RGBColor.from_string(RAG_TEXT[key])
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    doc.add_paragraph()


def _column_widths(block: dict, total_mm: float = 174.0):
    """Column widths that keep every word (and every figure) on one line where they can,
    sharing what is left in proportion to how much longer each column's text is."""
    per_char, padding = 1.7, 2.6  # millimetres, at the 8-point table text
    minimum, wanted = [], []
    for index, column in enumerate(block["columns"]):
        cells = [row[index] for row in block["rows"]]
        words = column["label"].split()
        if column["numeric"] or column["rag"]:
            words += cells
        else:
            words += [word for cell in cells for word in cell.split()]
        longest_word = max((len(word) for word in words), default=1)
        longest_cell = max([len(cell) for cell in cells] + [len(column["label"])])
        minimum.append(per_char * longest_word + padding)
        wanted.append(per_char * min(longest_cell, 60) + padding)
    if sum(minimum) >= total_mm:
        scale = total_mm / sum(minimum)
        widths = [width * scale for width in minimum]
    elif sum(wanted) <= total_mm:
        scale = total_mm / sum(wanted)
        widths = [width * scale for width in wanted]
    else:
        spare = total_mm - sum(minimum)
        extra = [want - least for want, least in zip(wanted, minimum, strict=True)]
        widths = [
            least + spare * more / sum(extra) for least, more in zip(minimum, extra, strict=True)
        ]
    return [Mm(width) for width in widths]


def _docx_block(doc, block: dict) -> None:
    kind = block["type"]
    if kind == "paragraph":
        doc.add_paragraph(block["text"])
    elif kind == "subheading":
        doc.add_heading(block["text"], level=2)
    elif kind == "bullets":
        for item in block["items"]:
            doc.add_paragraph(item, style="List Bullet")
    elif kind == "facts":
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in block["rows"]:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(label).bold = True
            _shade(cells[0], "F3F2F1")
            cells[1].paragraphs[0].add_run(value)
        doc.add_paragraph()
    elif kind == "table":
        _docx_table(doc, block)
    elif kind == "chart":
        title = doc.add_paragraph(block["caption"], style="Caption")
        title.paragraph_format.keep_with_next = True
        picture = doc.add_paragraph()
        picture.add_run().add_picture(io.BytesIO(block["png"]), width=Mm(170))
        drawing = picture._p.xpath(".//wp:docPr")
        if drawing:
            drawing[0].set("descr", block["alt"])
        _docx_table(doc, block["table"])


def render_docx(document: dict) -> bytes:
    doc = docx.Document()
    properties = doc.core_properties
    properties.title = f"{document['title']}: {document['subtitle']}"
    properties.subject = document["marking"]
    properties.author = "Realise"
    properties.keywords = document["marking"]
    for style_name in ("Normal", "Caption", "Title", "Heading 1", "Heading 2", "List Bullet"):
        style = doc.styles[style_name]
        style.font.name = DOCX_FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), DOCX_FONT)
    doc.styles["Normal"].font.size = Pt(10)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(24)
    section.left_margin = section.right_margin = Mm(18)
    section.header_distance = section.footer_distance = Mm(10)
    _marking_paragraph(section.header, document["marking"])
    _marking_paragraph(section.footer, document["marking"], page_numbers=True)

    doc.add_paragraph(document["title"], style="Title")
    subtitle = doc.add_paragraph()
    subtitle.add_run(document["subtitle"]).bold = True
    produced = doc.add_paragraph(produced_line(document["produced_on"]))
    produced.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if document["facts"]:
        _docx_block(doc, {"type": "facts", "rows": document["facts"]})

    if document["contents"]:
        _update_fields_on_open(doc)
        doc.add_heading(_("Contents"), level=1)
        for number, item in enumerate(document["sections"], 1):
            entry = doc.add_paragraph()
            entry.paragraph_format.tab_stops.add_tab_stop(
                Mm(170), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            entry.add_run(f"{number}. {item['title']}\t")
            _field(entry, f"PAGEREF {_bookmark_name(item)} \\h", shown="")
        doc.add_page_break()

    for number, item in enumerate(document["sections"], 1):
        heading = doc.add_heading(f"{number}. {item['title']}", level=1)
        _bookmark(heading, _bookmark_name(item), number)
        for block in item["blocks"]:
            _docx_block(doc, block)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _update_fields_on_open(doc) -> None:
    """Ask Word to work out the fields when the file is opened: Word keeps a contents
    entry's page number (a PAGEREF field) as written, blank here, until its fields are
    updated. The setting goes before `w:compat`, where the schema's order puts it."""
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings = doc.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        compat.addprevious(update)
    else:
        settings.append(update)


def _bookmark_name(section: dict) -> str:
    return "_Toc" + section["id"].replace("-", "_")
