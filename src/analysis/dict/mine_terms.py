#!/usr/bin/env python3
"""Mine multi-syllable Vietnamese legal terms from the tracuu corpus.

Reproducible, Python 3.11 stdlib only. Usage (from the repository root):

    python3 src/analysis/dict/mine_terms.py \
        --articles /work/shared/data/phapdien/articles-2026-01.jsonl.gz \
        --procedures /work/shared/data/procedures/procedures-2026.jsonl.gz \
        --words src/analysis/dict/pyvi-words.txt \
        > src/analysis/dict/legal-terms.txt

Method
------
* Text: article `title` + `text`, procedure `ten_thu_tuc`; NFC, lowercased.
* Phrases: text is cut at every character that is neither a letter nor
  whitespace (punctuation, digits, symbols) and at newlines, so no n-gram
  crosses punctuation or contains a number.
* Counts of all 1..8-grams of syllables inside phrases (n >= 3 only when both
  (n-1)-gram halves are frequent: apriori pruning keeps memory small).
* A candidate 2..7-gram must
  - occur >= MIN_COUNT times;
  - not start or end with a function word (của, và, các, được, đối với, ...),
    and not contain a strong function word inside (và, hoặc, của, các, ...);
  - be cohesive: for every binary split l|r, the normalised PMI
    log(p(g) / (p(l) p(r))) / -log p(g) >= 0.30 (2-3 syllables), 0.35 (4),
    0.40 (5+) (the weakest split counts);
  - if 4+ syllables long, not start or end with a verb ("chấm dứt hợp đồng
    lao động" is a clause, "hợp đồng lao động" the term);
  - be complete: no single left or right neighbour syllable accounts for more
    than MAX_EXT of its occurrences (otherwise it is a fragment of a longer
    term, e.g. "chứng nhận quyền sử" inside "... sử dụng");
  - not already be in the general word list (pyvi) and not be a pure
    concatenation of two general words that are both very frequent alone
    with weak glue (handled by the PMI threshold).
* Output: the TOP_N best candidates by count * npmi, one per line, sorted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import sys
import unicodedata
from collections import Counter

MIN_COUNT = 25
MAX_EXT = 0.70
MAX_GLUE = 0.40
TOP_N = 4000
MAX_N = 7

# Never at the start or end of a term.
BOUNDARY_STOP = set(
    """của và các những được cho có là trong theo về này đó thì mà với từ đến tại do
    bởi khi nếu hoặc hay bị để như nhưng vì nên thể sẽ đã đang còn cũng chỉ một hai ba
    mỗi mọi từng nào gì ai đây kia ấy phải không chưa nhiều ít rất quá hơn nhất trên dưới
    sau trước giữa ngoài ra vào lại lên xuống qua cùng nhau bằng thuộc tương ứng
    khoản điểm điều chương mục số ngày tháng năm quy định sau đây gồm bao
    việc tất cả kể kèm""".split()
)
# Multi-syllable function phrases that may not start or end a term.
BOUNDARY_STOP_PHRASES = [
    "đối với", "theo quy định", "quy định tại", "trường hợp", "bao gồm", "căn cứ",
    "liên quan", "kể từ", "trừ trường hợp", "có thể", "phải có", "thực hiện theo",
]
# Terms of 4+ syllables starting or ending with one of these are clauses, not terms
# ("chấm dứt hợp đồng lao động", "chính phủ quy định chi tiết").
LONG_BAD_START = [
    "thực hiện", "tổ chức thực hiện", "chấm dứt", "cấp", "áp dụng", "báo cáo", "phối hợp",
    "chịu trách nhiệm", "ban hành", "triển khai", "quy định", "hỗ trợ", "bảo đảm", "đảm bảo",
    "phê duyệt", "xem xét", "giải quyết", "nộp", "đề nghị", "lập", "gửi", "tiếp nhận",
    "tình hình", "đơn phương",
]
LONG_BAD_END = [
    "ban hành", "phê duyệt", "xem xét", "hỗ trợ", "bảo đảm", "thực hiện", "quy định chi tiết",
    "quy định", "hướng dẫn", "chỉ đạo", "tổ chức", "quyết định", "thông tư", "nghị định",
]
# Minimum normalised PMI by length: longer n-grams need more glue.
MIN_NPMI_BY_N = {2: 0.30, 3: 0.30, 4: 0.35}
MIN_NPMI_LONG = 0.40
# Never inside a term.
INNER_STOP = set(
    """và hoặc của các những được bị tại theo khi nếu thì này đó là mà cho để trong
    từ đến về hay nhưng vì nên đã sẽ đang với bằng trên""".split()
)

SPLIT_RE = re.compile(r"[^\w\s]|[\d_]|\n")
TONE_MARKS = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
# Syllables that may not end a term unless the last two syllables are a known word:
# they start the next noun phrase ("bộ trưởng bộ | tài chính", "ủy ban nhân dân cấp | tỉnh").
END_PREFIX = set("bộ cấp sở cục ủy ban phòng chi tổng phó quốc nhà người cơ đơn".split())


def tone_key(word: str) -> str:
    """Spelling-independent key: "hoà" and "hòa" (old/new tone placement) share one key."""
    out = []
    for syl in word.split(" "):
        tone = "0"
        base = []
        for ch in unicodedata.normalize("NFD", syl):
            if ch in TONE_MARKS:
                tone = TONE_MARKS[ch]
            else:
                base.append(ch)
        out.append(unicodedata.normalize("NFC", "".join(base)) + tone)
    return " ".join(out)


def phrases(text: str):
    text = unicodedata.normalize("NFC", text).lower()
    for chunk in SPLIT_RE.split(text):
        syl = chunk.split()
        if syl:
            yield syl


def read_texts(articles: str, procedures: str):
    with gzip.open(articles, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            yield d.get("title") or ""
            yield d.get("text") or ""
    with gzip.open(procedures, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            yield d.get("ten_thu_tuc") or ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", required=True)
    ap.add_argument("--procedures", required=True)
    ap.add_argument("--words", required=True, help="general word list (pyvi-words.txt)")
    ap.add_argument("--top", type=int, default=TOP_N)
    ap.add_argument("--scores", action="store_true", help="print count and npmi too")
    ap.add_argument("--explain", action="append", default=[], help="say why a term is (not) kept")
    args = ap.parse_args()

    known = set()  # tone keys of the general words
    known_syl = set()  # tone keys of their syllables: a real Vietnamese syllable inventory
    with open(args.words, encoding="utf-8") as f:
        for line in f:
            w = " ".join(unicodedata.normalize("NFC", line).lower().split())
            if w:
                known.add(tone_key(w))
                known_syl.update(tone_key(w).split(" "))

    corpus = [p for t in read_texts(args.articles, args.procedures) for p in phrases(t)]
    print(f"phrases: {len(corpus)}", file=sys.stderr)
    # one spelling per tone key: the most frequent one in the corpus
    spell = Counter(s for p in corpus for s in p)
    best: dict[str, str] = {}
    for sp, _ in spell.most_common():
        best.setdefault(tone_key(sp), sp)
    canon = {sp: best[tone_key(sp)] for sp in spell}
    corpus = [[canon[s] for s in p] for p in corpus]

    counts: list[Counter] = [Counter() for _ in range(MAX_N + 2)]
    for p in corpus:
        for i in range(len(p)):
            counts[1][p[i]] += 1
            if i + 1 < len(p):
                counts[2][p[i] + " " + p[i + 1]] += 1
    total = sum(counts[1].values())
    print(f"syllables: {total}", file=sys.stderr)
    # apriori pruning: an n-gram is counted only if both (n-1)-grams are frequent
    for n in range(3, MAX_N + 2):
        prev = counts[n - 1]
        c = counts[n]
        for p in corpus:
            for i in range(len(p) - n + 1):
                left = " ".join(p[i : i + n - 1])
                if prev.get(left, 0) < MIN_COUNT:
                    continue
                right = " ".join(p[i + 1 : i + n])
                if prev.get(right, 0) < MIN_COUNT:
                    continue
                c[left + " " + p[i + n - 1]] += 1
        # drop rare ones to keep the next pass small
        counts[n] = Counter({k: v for k, v in c.items() if v >= MIN_COUNT})
        print(f"{n}-grams kept: {len(counts[n])}", file=sys.stderr)

    # neighbour extensions: max count of one left / right neighbour, and how often the
    # boundary syllable forms a known 2-syllable word with its neighbour
    max_left: Counter = Counter()
    max_right: Counter = Counter()
    glued_left: Counter = Counter()
    glued_right: Counter = Counter()
    for n in range(3, MAX_N + 2):
        for g, v in counts[n].items():
            s = g.split(" ")
            left = " ".join(s[:-1])  # g = left + last: extension to the right of `left`
            right = " ".join(s[1:])
            # an extension by a function word ("được xóa án tích") does not make a fragment
            if v > max_right[left] and s[-1] not in BOUNDARY_STOP:
                max_right[left] = v
            if v > max_left[right] and s[0] not in BOUNDARY_STOP:
                max_left[right] = v
            if tone_key(s[-2] + " " + s[-1]) in known:
                glued_right[left] += v
            if tone_key(s[0] + " " + s[1]) in known:
                glued_left[right] += v
    # 2-grams also extend 1-grams, not needed (1-grams are not candidates)

    def prob(g: str, n: int) -> float:
        return counts[n].get(g, 0) / total

    explain = {" ".join(unicodedata.normalize("NFC", e).lower().split()) for e in args.explain}

    def why(g: str, v: int, reason: str) -> None:
        if g in explain:
            print(f"explain {g!r} count={v}: {reason}", file=sys.stderr)

    out = []
    for n in range(2, MAX_N + 1):
        for g, v in counts[n].items():
            if v < MIN_COUNT or tone_key(g) in known:
                why(g, v, "rare or already a general word")
                continue
            s = g.split(" ")
            if any(k not in known_syl for k in tone_key(g).split(" ")):
                why(g, v, "not Vietnamese syllables")
                continue  # not Vietnamese syllables ("phu luc", "cp da sua")
            if s[-1] in END_PREFIX and tone_key(" ".join(s[-2:])) not in known:
                why(g, v, "ends with a noun-phrase opener")
                continue
            if glued_right[g] > MAX_GLUE * v or glued_left[g] > MAX_GLUE * v:
                why(g, v, "edge syllable glued to a neighbour word")
                continue  # cuts a known word at its edge ("phạm pháp luật" in "vi phạm ...")
            if s[0] in BOUNDARY_STOP or s[-1] in BOUNDARY_STOP:
                why(g, v, "starts/ends with a function word")
                continue
            if any(w in INNER_STOP for w in s[1:-1]):
                why(g, v, "function word inside")
                continue
            if any(len(w) == 1 and w not in "ởạơưđ" for w in s):
                # stray single letters (abbreviations, list markers)
                why(g, v, "single letter")
                continue
            if any(g.startswith(ph + " ") or g.endswith(" " + ph) or g == ph for ph in BOUNDARY_STOP_PHRASES):
                why(g, v, "starts/ends with a function phrase")
                continue
            if n >= 4 and any(g.startswith(ph + " ") for ph in LONG_BAD_START):
                why(g, v, "long term starting with a verb")
                continue
            if n >= 4 and any(g.endswith(" " + ph) for ph in LONG_BAD_END):
                why(g, v, "long term ending with a verb")
                continue
            if max_right[g] > MAX_EXT * v or max_left[g] > MAX_EXT * v:
                why(g, v, f"fragment (ext {max(max_left[g], max_right[g])})")
                continue
            pg = v / total
            npmi = 1.0
            for k in range(1, n):
                l, r = " ".join(s[:k]), " ".join(s[k:])
                pl, pr = prob(l, k), prob(r, n - k)
                if pl == 0 or pr == 0:
                    npmi = -1.0
                    break
                npmi = min(npmi, math.log(pg / (pl * pr)) / -math.log(pg))
            if npmi < MIN_NPMI_BY_N.get(n, MIN_NPMI_LONG):
                why(g, v, f"npmi {npmi:.3f} too low")
                continue
            why(g, v, f"candidate, npmi {npmi:.3f}")
            out.append((v * npmi, v, npmi, g))

    out.sort(reverse=True)
    for rank, (_, v, _, g) in enumerate(out):
        why(g, v, f"rank {rank + 1} of {len(out)} (top {args.top} kept)")
    out = out[: args.top]
    if args.scores:
        for score, v, npmi, g in out:
            print(f"{g}\t{v}\t{npmi:.3f}\t{score:.0f}")
    else:
        for g in sorted(o[3] for o in out):
            print(g)
    print(f"terms: {len(out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
