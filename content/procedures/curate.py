#!/usr/bin/env python3
"""Writes the curated procedures subset (content/procedures/procedures-curated.jsonl.gz) from the
national portal's records in ../shared/data/procedures: the lĩnh vực citizens and small businesses
ask about most, the records copied unchanged (tracuu parses them at index time).

    python3 content/procedures/curate.py ../shared/data/procedures/procedures-2026.jsonl.gz
"""
import gzip
import json
import sys
import unicodedata

FIELDS = {
    "Hộ tịch", "Đăng ký, quản lý cư trú", "Cấp, quản lý căn cước",
    "Thành lập và hoạt động của doanh nghiệp",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", "Đất đai", "Chứng thực",
    "Quốc tịch", "Lý lịch tư pháp", "Nuôi con nuôi", "Quản lý xuất nhập cảnh",
    "Sát hạch, cấp giấy phép lái xe",
    "Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng", "Công chứng",
    "Kiểm định kỹ thuật an toàn lao động", "Thu BHXH, BHYT, BHTN, BH tai nạn lao động, BNN",
    "Thực hiện chính sách BHXH", "Chi trả các chế độ BHXH, BHTN",
}


def nfc(s):
    return unicodedata.normalize("NFC", s).strip()


def main(src, out="content/procedures/procedures-curated.jsonl.gz"):
    wanted = {nfc(f) for f in FIELDS}
    kept = 0
    with gzip.open(src, "rt", encoding="utf-8") as f, \
            gzip.GzipFile(out, "wb", mtime=0) as raw:
        for line in f:
            record = json.loads(line)
            if any(nfc(record.get("linh_vuc", "")).startswith(w) for w in wanted):
                raw.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
                kept += 1
    print(f"wrote {kept} procedures to {out}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
