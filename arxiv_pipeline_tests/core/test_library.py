"""Reading the reader's library: BibTeX, CSL-JSON and id lists, broken entries included."""

from __future__ import annotations

import json
from pathlib import Path

from arxiv_pipeline.core.profile.library import find_arxiv_id, load_library, parse_library_text

BIB = r"""% exported by Zotero
@article{kirchenbauer2023,
  title = {A Watermark for {Large Language Models}},
  author = {Kirchenbauer, John and G{\"o}ldner, Jonas},
  abstract = {Potential harms of large language models can be mitigated by watermarking model output.},
  eprint = {2301.10226},
  archivePrefix = {arXiv},
  year = {2023},
  dateadded = {2024-02-03T10:00:00Z}
}

@inproceedings{broken2020,
  title = {An entry whose brace never closes,
  year = 2020

@misc{caf\'e,
  title = {Caf\'e {\"U}ber Na\"ive Re{\c{c}}ommendation},
  url = {https://arxiv.org/abs/2402.01234v3},
  year = {2024}
}

@article{doi_only,
  title = {Found Through Its {DOI}},
  doi = {10.48550/arXiv.2310.05555}
}

@article{journal_note,
  title = {Cited as a preprint},
  journal = {arXiv preprint arXiv:2205.01068},
}

@article{kirchenbauer2023,
  title = {A watermark for large language models},
  eprint = {2301.10226},
}

@book{no_arxiv,
  title = {Pattern Recognition and Machine Learning},
  year = {2006}
}
"""


def test_bibtex_entries_ids_accents_duplicates_and_a_broken_entry(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_text(BIB, encoding="utf-8")
    library = load_library([path])
    by_id = {e.arxiv_id: e for e in library.entries}

    assert set(by_id) == {"2301.10226", "2402.01234", "2310.05555", "2205.01068", None}
    # The same paper twice (same eprint) counts once; the fuller entry (with abstract) is kept.
    assert library.duplicates == 1
    first = by_id["2301.10226"]
    assert first.title == "A Watermark for Large Language Models"
    assert first.abstract.startswith("Potential harms")
    assert first.added is not None and first.added.isoformat() == "2024-02-03"
    # LaTeX accents become the letters they stand for.
    assert by_id["2402.01234"].title == "Café Über Naïve Reçommendation"
    assert by_id[None].title == "Pattern Recognition and Machine Learning"
    # The broken entry is named with its file and line; everything else loaded.
    assert len(library.problems) == 1
    problem = str(library.problems[0])
    assert problem.startswith(f"{path}:12:") and "broken2020" in problem


def test_csl_json_items_and_broken_json(tmp_path: Path) -> None:
    items = [
        {
            "id": "a",
            "type": "article",
            "title": "Speculative Decoding at Scale",
            "abstract": "Drafts and verifies.",
            "URL": "http://arxiv.org/abs/2211.17192v2",
            "issued": {"date-parts": [[2022, 11]]},
            "accessed": {"date-parts": [[2025, 3, 14]]},
        },
        {"id": "b", "type": "article", "title": "Via DOI", "DOI": "10.48550/arXiv.2302.01318"},
        {"id": "c", "type": "book"},
        "not an item",
    ]
    path = tmp_path / "zotero.json"
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    library = load_library([path])
    assert [(e.arxiv_id, e.year) for e in library.entries] == [("2211.17192", 2022), ("2302.01318", None)]
    assert library.entries[0].added is not None and library.entries[0].added.isoformat() == "2025-03-14"
    assert [p.source for p in library.problems] == [f"{path}:item 3", f"{path}:item 4"]

    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"title": "x",\n  "URL": }\n]', encoding="utf-8")
    got = load_library([broken])
    assert got.entries == [] and str(got.problems[0]).startswith(f"{broken}:3: not valid JSON")


def test_id_list_with_urls_comments_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text(
        "# papers I keep\n2301.10226\narXiv:2402.01234v2  # with a version\n"
        "https://arxiv.org/pdf/2310.05555v1\nhep-th/9901001\nnot an id\n\n2301.10226\n",
        encoding="utf-8",
    )
    library = load_library([path])
    assert [e.arxiv_id for e in library.entries] == [
        "2301.10226",
        "2402.01234",
        "2310.05555",
        "hep-th/9901001",
    ]
    assert library.duplicates == 1
    assert [str(p) for p in library.problems] == [f"{path}:6: no arXiv id or arXiv URL in 'not an id'"]


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    library = load_library([tmp_path / "nowhere.bib"])
    assert library.entries == [] and "cannot read the file" in str(library.problems[0])


def test_format_by_content_when_the_extension_says_nothing() -> None:
    entries, problems = parse_library_text("@misc{x, title={T}, eprint={2401.00001}}", "export")
    assert [e.arxiv_id for e in entries] == ["2401.00001"] and not problems


def test_find_arxiv_id_is_not_fooled_by_longer_numbers() -> None:
    assert find_arxiv_id("10.1145/3580305.3599256") is None
    assert find_arxiv_id("see 2401.000011") is None
    assert find_arxiv_id("arXiv:2401.00001.") == "2401.00001"
    assert find_arxiv_id("https://arxiv.org/abs/math.GT/0309136v1") == "math.GT/0309136"
