"""Evidence: photos downscaled to JPEG, files stored with their SHA-256 and deduplicated."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from assessment_util import add_branches, new_round
from dangjian_desktop.assessment import add_evidence, evidence_data, list_evidence, remove_evidence
from dangjian_desktop.errors import UserError


@pytest.fixture
def sheet(db):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db)
    return db, b.id


def photo(path, size=(4000, 3000), mode="RGB", fmt="PNG"):
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(path, fmt)
    return path


def test_photo_is_downscaled_to_1600_px_jpeg(sheet, tmp_path):
    db, sid = sheet
    eid = add_evidence(db, photo(tmp_path / "会议.png"), sheet_id=sid, item_code="A", note="主题党日")
    (ev,) = list_evidence(db, sheet_id=sid, item_code="A")
    assert (ev.id, ev.mime, ev.file_name, ev.note) == (eid, "image/jpeg", "会议.jpg", "主题党日")
    with Image.open(io.BytesIO(evidence_data(db, eid))) as im:
        assert im.format == "JPEG" and max(im.size) == 1600 and im.size == (1600, 1200)
    assert ev.sha256 == hashlib.sha256(evidence_data(db, eid)).hexdigest()


def test_transparent_png_becomes_a_flat_jpeg(sheet, tmp_path):
    db, sid = sheet
    eid = add_evidence(db, photo(tmp_path / "t.png", (800, 600), "RGBA"), sheet_id=sid)
    with Image.open(io.BytesIO(evidence_data(db, eid))) as im:
        assert im.mode == "RGB" and im.size == (800, 600)


def test_pdf_is_stored_unchanged(sheet, tmp_path):
    db, sid = sheet
    data = b"%PDF-1.4\n% minutes of the meeting\n%%EOF\n"
    (tmp_path / "会议记录.pdf").write_bytes(data)
    eid = add_evidence(db, tmp_path / "会议记录.pdf", sheet_id=sid)
    assert evidence_data(db, eid) == data
    assert list_evidence(db, sheet_id=sid)[0].mime == "application/pdf"


def test_same_file_is_stored_once(sheet, tmp_path):
    db, sid = sheet
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 same")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 same")
    add_evidence(db, tmp_path / "a.pdf", sheet_id=sid, item_code="A")
    add_evidence(db, tmp_path / "b.pdf", sheet_id=sid, item_code="B")
    assert db.scalar("SELECT count(*) FROM attachment") == 1
    assert len(list_evidence(db, sheet_id=sid)) == 2
    with pytest.raises(UserError, match="“b.pdf”与已添加的“a.pdf”内容相同"):  # named as it shows
        add_evidence(db, tmp_path / "b.pdf", sheet_id=sid, item_code="B")


def test_removing_the_last_link_removes_the_file(sheet, tmp_path):
    db, sid = sheet
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 x")
    e1 = add_evidence(db, tmp_path / "a.pdf", sheet_id=sid, item_code="A")
    e2 = add_evidence(db, tmp_path / "a.pdf", sheet_id=sid, item_code="B")
    remove_evidence(db, e1)
    assert db.scalar("SELECT count(*) FROM attachment") == 1
    remove_evidence(db, e2)
    assert db.scalar("SELECT count(*) FROM attachment") == 0
    assert db.verify() == []


def test_a_picture_of_too_many_pixels_is_refused_in_words(sheet, tmp_path):
    """A valid 15000×15000 PNG (small on disk): refused as too large, not 程序内部错误."""
    from PIL import Image

    db, sid = sheet
    Image.new("1", (15000, 15000)).save(tmp_path / "巨大.png", optimize=True)
    with pytest.raises(UserError, match="像素太多"):
        add_evidence(db, tmp_path / "巨大.png", sheet_id=sid)
    assert db.scalar("SELECT count(*) FROM round_evidence") == 0


@pytest.mark.parametrize("name, data, message", [
    ("病毒.exe", b"MZ", "不支持"),
    ("空.pdf", b"", "空的"),
    ("假.pdf", b"not a pdf", "不是有效的 PDF"),
    ("坏.jpg", b"not an image", "无法读取图片"),
    ("苹果.heic", b"\0\0\0\x18ftypheic", "HEIC 格式照片，本程序不能读取"),
])
def test_bad_files_are_refused(sheet, tmp_path, name, data, message):
    db, sid = sheet
    (tmp_path / name).write_bytes(data)
    with pytest.raises(UserError, match=message):
        add_evidence(db, tmp_path / name, sheet_id=sid)
    assert db.scalar("SELECT count(*) FROM round_evidence") == 0


def test_a_copy_under_another_name_is_named_as_the_one_added(sheet, tmp_path):
    db, sid = sheet
    (tmp_path / "same1.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    (tmp_path / "same2.pdf").write_bytes((tmp_path / "same1.pdf").read_bytes())
    add_evidence(db, tmp_path / "same1.pdf", sheet_id=sid)
    with pytest.raises(UserError, match="“same2.pdf”与已添加的“same1.pdf”内容相同"):
        add_evidence(db, tmp_path / "same2.pdf", sheet_id=sid)
    with pytest.raises(UserError, match="“same1.pdf”已经添加过了"):
        add_evidence(db, tmp_path / "same1.pdf", sheet_id=sid)
