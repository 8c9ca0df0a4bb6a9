"""恢复密钥单 (issue 21): one A4 page with the node, the date, the key in its groups and how to
restore with it; written only outside the data folder."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from xihu_desk.documents import recovery_sheet as doc
from xihu_desk.domain.errors import UserError
from xihu_desk.services import recovery_sheet

CODE = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2"


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


def test_the_sheet_is_one_page_with_node_key_and_how_to_restore(db):
    with db.read() as s:
        pdf = recovery_sheet.pdf_bytes(s, CODE, date(2026, 12, 4))
    assert pdf.startswith(b"%PDF")
    facts = doc.SheetFacts("北山街道", "330106002", "n", date(2026, 12, 4), CODE)
    assert doc.build_pdf(facts)[1] == 1
    try:
        text = _text(pdf)
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("pdftotext not installed")
    flat = "".join(text.split())
    assert "数据恢复密钥单" in flat and "330106002" in flat and "2026年12月4日" in flat
    assert all(group in flat for group in CODE.split("-"))  # each group's boxes read as one word
    assert "--recovery-key-file" in flat and "xihu-deskrestore" in flat
    assert "保管人" in flat


def test_the_sheet_is_not_written_into_the_data_folder(data_dir, db, tmp_path):
    with db.read() as s:
        with pytest.raises(UserError, match="数据目录"):
            recovery_sheet.write(s, data_dir.root, CODE, data_dir.root / "key.pdf", date(2026, 12, 4))
        with pytest.raises(UserError, match=r"\.pdf"):
            recovery_sheet.write(s, data_dir.root, CODE, tmp_path / "key.txt", date(2026, 12, 4))
        with pytest.raises(UserError, match="格式"):
            recovery_sheet.write(s, data_dir.root, "张三", tmp_path / "key.pdf", date(2026, 12, 4))
        path = recovery_sheet.write(s, data_dir.root, CODE, tmp_path / "key.pdf", date(2026, 12, 4))
    assert path.read_bytes().startswith(b"%PDF") and not list(tmp_path.glob("*.partial"))


def test_init_writes_the_sheet_and_refuses_one_in_the_data_folder(capsys, tmp_path):
    from xihu_desk import cli
    from xihu_desk.paths import DataDir

    pw = tmp_path / "pw.txt"
    pw.write_text("Strong-pass-2026\n", encoding="utf-8")
    base = ["init", "--org", "330106002", "--level", "township", "--admin", "boss", "--password-file", str(pw)]
    inside = tmp_path / "refused"
    assert cli.main([*base, "--data-dir", str(inside), "--recovery-sheet", str(inside / "s.pdf")]) == 1
    assert "数据目录" in capsys.readouterr().err and not inside.exists()  # refused before anything is made
    home, sheet = tmp_path / "node", tmp_path / "恢复密钥单.pdf"
    assert cli.main([*base, "--data-dir", str(home), "--recovery-sheet", str(sheet)]) == 0
    out = capsys.readouterr().out
    if DataDir(home).server:
        assert "未写出恢复密钥单" in out and not sheet.exists()
        return
    assert f"恢复密钥单已写入 {sheet}" in out and sheet.read_bytes().startswith(b"%PDF")


def test_node_recovery_sheet_from_a_key_file_only_for_this_nodes_key(capsys, tmp_path):
    from xihu_desk import cli
    from xihu_desk.paths import DataDir
    from xihu_desk.store import recovery_code

    pw = tmp_path / "pw.txt"
    pw.write_text("Strong-pass-2026\n", encoding="utf-8")
    home, key = tmp_path / "node", tmp_path / "恢复密钥.txt"
    init = ["init", "--org", "330106002", "--level", "township", "--admin", "boss", "--password-file", str(pw)]
    assert cli.main([*init, "--data-dir", str(home), "--recovery-key-file", str(key)]) == 0
    capsys.readouterr()
    if DataDir(home).server:
        return  # a server's node has no recovery key
    sheet = tmp_path / "单.pdf"
    args = ["node", "recovery-sheet", "--data-dir", str(home), "-o", str(sheet)]
    wrong = tmp_path / "别的.txt"
    wrong.write_text(recovery_code.new_code() + "\n", encoding="utf-8")
    assert cli.main([*args, "--recovery-key-file", str(wrong)]) == 1
    assert "恢复密钥" in capsys.readouterr().err and not sheet.exists()
    assert cli.main([*args, "--recovery-key-file", str(key)]) == 0
    assert f"恢复密钥单已写入 {sheet}" in capsys.readouterr().out and sheet.read_bytes().startswith(b"%PDF")
    flat = "".join(_text(sheet.read_bytes()).split())
    assert all(group in flat for group in recovery_code.read_file(key).split("-"))
