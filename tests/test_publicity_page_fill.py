"""A publicity sheet fills its pages before it starts another: a short sheet stays on one page when
it fits, and the rows kept with the signature block are no more than it needs."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from dangjian_desktop.reports import pdf as sheetpdf
from dangjian_desktop.reports.fonts import load_fonts
from dangjian_desktop.reports.pdf import build_publicity_pdf

from test_publicity_paging import pages_text, rows, sheet


def story_height(s) -> tuple[float, float]:
    """The height the sheet's flowables take in one column, and the height of a page's frame."""
    fonts = load_fonts()
    lay = sheetpdf._Layout(s, fonts)
    flat = []
    for f in sheetpdf.build_story(s, fonts, lay):
        flat += f._content if isinstance(f, KeepTogether) else [f]
    used = sum(f.wrap(lay.width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flat)
    return used, lay.pagesize[1] - lay.margin_top - lay.margin_bottom


def test_a_sheet_that_fits_but_for_the_seals_lower_part_stays_on_one_page():
    s = sheet(rows(15))
    used, frame = story_height(s)
    # Less room is left under the date than the lower part of a 42 mm seal; the bottom margin has it.
    assert frame - 12 * mm < used <= frame
    assert len(pages_text(build_publicity_pdf(s))) == 1


def test_a_signature_that_would_stand_alone_takes_two_rows_along_and_no_more():
    for n in (16, 20, 24, 27):
        text = pages_text(build_publicity_pdf(sheet(rows(n))))
        assert len(text) == 2
        # The page before is filled with all rows but the two that go with the signature block.
        assert [page.count("城关村党支部") for page in text] == [n - 2, 2]
        assert "中共城关镇委员会" in text[1] and "序号" in text[1]
