"""Time the free-text need parser on the 44 needs of tests/demand/test_parsing.py.

    .venv/bin/python bench/demand/parse_speed.py [--rounds 50]

Prints, per need, the median and p95 of a warm parse (the term index already built, as in
a running server), the one-off cost of building the index, and a baseline measured in the
same run: folding the text and testing every taxonomy term as a plain substring (no typos,
no compounds, no numbers or dates): the least any term lookup costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fabshare.catalog.taxonomy import load_taxonomy  # noqa: E402
from fabshare.demand import parsing  # noqa: E402
from tests.demand.test_parsing import NEEDS  # noqa: E402

TODAY = date(2026, 11, 21)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    texts = [need.text for needs in NEEDS.values() for need in needs]

    started = time.perf_counter()
    parsing._Matcher(taxonomy)
    build_ms = (time.perf_counter() - started) * 1000
    parsing.parse_need(texts[0], taxonomy=taxonomy, today=TODAY)  # warm the cache

    folded_terms = sorted({parsing.fold(t.term) for t in taxonomy.all_terms()})
    parse_ms: list[float] = []
    cold_ms: list[float] = []
    baseline_ms: list[float] = []
    matcher = parsing._matcher(taxonomy)
    for _ in range(args.rounds):
        for text in texts:  # interleaved, so both see the same machine load
            started = time.perf_counter()
            parsing.parse_need(text, taxonomy=taxonomy, today=TODAY)
            parse_ms.append((time.perf_counter() - started) * 1000)
            matcher.word_cache.clear()
            started = time.perf_counter()
            parsing.parse_need(text, taxonomy=taxonomy, today=TODAY)
            cold_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            folded = parsing.fold(text)
            [term for term in folded_terms if term in folded]
            baseline_ms.append((time.perf_counter() - started) * 1000)

    long_text = " ".join(texts) * 3
    long_text = long_text[:parsing.MAX_TEXT_LENGTH]
    long_ms = []
    for _ in range(5):
        started = time.perf_counter()
        parsing.parse_need(long_text, taxonomy=taxonomy, today=TODAY)
        long_ms.append((time.perf_counter() - started) * 1000)

    print(f"{len(texts)} needs x {args.rounds} rounds, {len(folded_terms)} distinct terms")
    print(f"build the term index once:            {build_ms:8.1f} ms")
    print(f"parse_need, warm, per need:    median {statistics.median(parse_ms):6.2f} ms"
          f"   p95 {percentile(parse_ms, 0.95):6.2f} ms   max {max(parse_ms):6.2f} ms")
    print(f"the same, word cache cleared:  median {statistics.median(cold_ms):6.2f} ms"
          f"   p95 {percentile(cold_ms, 0.95):6.2f} ms   max {max(cold_ms):6.2f} ms")
    print(f"baseline substring scan, per need: median {statistics.median(baseline_ms):6.2f} ms"
          f"   p95 {percentile(baseline_ms, 0.95):6.2f} ms")
    print(f"parse_need, {len(long_text)} characters:      median "
          f"{statistics.median(long_ms):6.1f} ms")


if __name__ == "__main__":
    main()
