"""Full texts of papers as arXiv serves them, made for the tests: a PDF laid out like a conference
paper (title block, abstract, two columns, numbered sections, a results table, references, an
appendix) with fpdf2, and the LaTeXML HTML rendering arXiv publishes at /html/<id>v<n>.

The text is generated from a seed, so every paper differs and every run is the same; each section
says what kind of section it is in words a summarizer can find (the method "we propose", results
with numbers, limitations stated by the authors).
"""

from __future__ import annotations

import html
import io
import random
import textwrap
from dataclasses import dataclass, field

from fpdf import FPDF

DATASETS = ("GSM8K", "MMLU", "HumanEval", "ImageNet", "SQuAD", "WMT14", "CIFAR-10", "LongBench")
METHODS = ("adaptive routing", "sparse attention", "contrastive pretraining", "curriculum sampling")


@dataclass
class PaperText:
    """What the generated paper says, so tests can check what reached a summary."""

    arxiv_id: str
    version: int
    title: str
    authors: list[str]
    abstract: str
    sections: list[tuple[str, list[str]]]  # (heading, paragraphs) in order, references excluded
    references: list[str]
    appendix: list[str]
    table: list[tuple[str, str, str]]  # (dataset, baseline, ours)
    dataset: str = ""
    method: str = ""
    gain: str = ""
    limitation: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _sentences(rng: random.Random, templates: list[str], n: int, **values: str) -> str:
    return " ".join(rng.choice(templates).format(**values) for _ in range(n))


FILLER = [
    "Prior work on {topic} has studied this question under simplifying assumptions.",
    "We describe the setting in detail so that the comparison is fair.",
    "Each component is evaluated separately before the full system is assembled.",
    "The design keeps the number of parameters fixed across every configuration we compare.",
    "This choice follows standard practice and makes the results easy to reproduce.",
    "All runs use the same data splits, seeds and hardware budget.",
]


def make_paper(arxiv_id: str, version: int = 1, seed: int = 0, paragraphs: int = 4) -> PaperText:
    """A paper whose sections each carry their own kind of sentence; ``paragraphs`` per section
    sets its length (4 gives an eight-page PDF)."""
    rng = random.Random(f"{arxiv_id}v{version}:{seed}")
    dataset, method = rng.choice(DATASETS), rng.choice(METHODS)
    topic = f"{method} for language models"
    base = rng.uniform(55, 80)
    ours = base + rng.uniform(2, 9)
    gain = f"{ours - base:.1f}"
    title = f"{method.title()} Improves Reasoning on {dataset}"
    abstract = (
        f"Large models struggle with {dataset}-style problems. We study {topic}. "
        f"Our approach is simple and improves accuracy on {dataset}."
    )
    limitation = "our evaluation covers only English data and models below 10B parameters"
    sections = [
        (
            "1 Introduction",
            [
                f"Reasoning benchmarks such as {dataset} remain difficult because current models fail on "
                f"multi-step problems and costly retraining is often required. "
                + _sentences(rng, FILLER, 7, topic=topic)
                + (
                    f" In this paper we show that {method} lets a frozen model solve harder {dataset} "
                    "problems by spending its compute where the problem needs it."
                    if i == paragraphs - 1
                    else ""
                )
                for i in range(paragraphs)
            ],
        ),
        (
            "2 Related Work",
            [_sentences(rng, FILLER, 8, topic=topic) for _ in range(max(1, paragraphs // 2))],
        ),
        (
            "3 Method",
            [
                f"We propose {method}, which assigns each token a budget learned from a small "
                f"calibration set and trains the router jointly with the model. "
                + _sentences(rng, FILLER, 7, topic=topic)
                for _ in range(paragraphs)
            ],
        ),
        (
            "4 Experiments",
            [
                f"On {dataset}, {method} reaches {ours:.1f}% accuracy compared with {base:.1f}% for the "
                f"strongest baseline, a gain of {gain} points, and it uses 31% fewer FLOPs. "
                + _sentences(rng, FILLER, 6, topic=topic)
                for _ in range(paragraphs)
            ],
        ),
        (
            "5 Conclusion",
            [
                f"We showed that {method} is a practical way to improve reasoning without retraining. "
                f"A limitation is that {limitation}."
            ],
        ),
    ]
    references = [
        f"[{i}] A. Author and B. Writer. A study of {rng.choice(METHODS)}. In NeurIPS, 20{10 + i}."
        for i in range(1, 16)
    ]
    appendix = [
        f"A.{i} Additional hyperparameters for run {i}: learning rate 3e-4, batch 256." for i in range(1, 6)
    ]
    table = [(d, f"{rng.uniform(50, 80):.1f}", f"{rng.uniform(60, 90):.1f}") for d in rng.sample(DATASETS, 3)]
    table[0] = (dataset, f"{base:.1f}", f"{ours:.1f}")
    return PaperText(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        authors=["Mei Tanaka", "Rahul Iyer", "Sofia Lindgren"],
        abstract=abstract,
        sections=sections,
        references=references,
        appendix=appendix,
        table=table,
        dataset=dataset,
        method=method,
        gain=gain,
        limitation=limitation,
    )


def figure_png(seed: str, width: int = 640, height: int = 420) -> bytes:
    """A plot-like raster figure (axes, curves, a grainy background as scanned or rendered plots
    have), so a PDF weighs what an arXiv PDF with figures does."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    grain = Image.frombytes("L", (width // 4, height // 4), rng.randbytes(width * height // 16))
    image = Image.merge("RGB", [grain.point(lambda v: 235 + v // 13)] * 3).resize((width, height))
    draw = ImageDraw.Draw(image)
    draw.line([(40, 20), (40, height - 30), (width - 10, height - 30)], fill=(0, 0, 0), width=2)
    for colour in ((200, 30, 30), (30, 80, 200), (30, 150, 60)):
        points = [(40 + x * (width - 60) // 20, height - 40 - rng.randint(0, height - 80)) for x in range(21)]
        draw.line(points, fill=colour, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def paper_pdf(paper: PaperText, figures: int = 0) -> bytes:
    """A two-column PDF with a results table, references and an appendix; ``figures`` raster
    figures in the body give it a realistic weight (arXiv PDFs are mostly 0.3-5 MB)."""
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, paper.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, ", ".join(paper.authors), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Abstract", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(0, 5, paper.abstract, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.text_columns(ncols=2, gutter=6, text_align="J") as columns:
        for heading, paragraphs in paper.sections:
            pdf.set_font("Helvetica", "B", 10)
            columns.write(heading + "\n")
            pdf.set_font("Helvetica", "", 9)
            for paragraph in paragraphs:
                columns.write(paragraph + "\n")
            if figures and heading[0] in "134":
                for k in range(figures):
                    columns.image(io.BytesIO(figure_png(f"{paper.arxiv_id}:{heading}:{k}")))
                    columns.write(
                        f"Figure {heading[0]}.{k + 1}: Results of {paper.method} as the budget grows.\n"
                    )
            if heading.startswith("4 "):
                columns.write("Table 1: Accuracy (%) of the baseline and ours.\n")
                for dataset, base, ours in [("Dataset", "Baseline", "Ours"), *paper.table]:
                    columns.write(f"{dataset}    {base}    {ours}\n")
        pdf.set_font("Helvetica", "B", 10)
        columns.write("References\n")
        pdf.set_font("Helvetica", "", 8)
        for reference in paper.references:
            columns.write(reference + "\n")
        pdf.set_font("Helvetica", "B", 10)
        columns.write("A Appendix\n")
        pdf.set_font("Helvetica", "", 8)
        for line in paper.appendix:
            columns.write(line + "\n")
    return bytes(pdf.output())


_ROMAN = ("I", "II", "III", "IV", "V", "VI")


def _styled_heading(heading: str, style: str) -> str:
    number, name = heading.split(" ", 1)
    if style == "revtex":  # REVTeX: "III. METHOD"
        return f"{_ROMAN[int(number) - 1]}. {name.upper()}"
    if style == "amsart":  # amsart: "3. Method"
        return f"{number}. {name}"
    if style in ("bookmarked", "unnumbered"):  # capitalised, no numbers: the outline or the bold type
        return name.upper()
    return heading


class _StyledPdf(FPDF):
    running_header = ""

    def header(self) -> None:
        if self.page_no() > 1 and self.running_header:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 5, self.running_header, align="C", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, str(self.page_no()), align="C")


def styled_pdf(paper: PaperText, style: str) -> bytes:
    """The paper in one column, in the style of a real class: ``revtex`` (Roman, upper-case
    headings, no "Abstract" heading), ``amsart`` ("1. Introduction", the abstract run in),
    ``bookmarked`` (unnumbered headings that only the PDF's outline names), ``unnumbered`` (the
    same headings with no outline: only their bold type says what they are) or ``toc`` (a table of
    contents before the body). Every page after the first has a running header and all have a
    page number, and the introduction ends on an exponent and a footnote (at the page's foot)."""
    pdf = _StyledPdf(format="letter")
    pdf.running_header = f"{paper.title[:60]} - preprint"
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, paper.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, ", ".join(paper.authors), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    lead = {"amsart": "Abstract. ", "revtex": ""}.get(style)
    if lead is None:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, "Abstract", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        lead = ""
    pdf.multi_cell(0, 5, lead + paper.abstract, new_x="LMARGIN", new_y="NEXT")
    if style == "toc":
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, "Contents", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for page, (heading, _) in enumerate(paper.sections, start=1):
            pdf.cell(0, 5, f"{heading} {'.' * 40} {page}", new_x="LMARGIN", new_y="NEXT")
    for heading, paragraphs in paper.sections:
        pdf.ln(3)
        shown = _styled_heading(heading, style)
        if style == "bookmarked":
            pdf.start_section(heading.split(" ", 1)[1])
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, shown, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
        if heading.startswith("1 "):
            _exponent_and_footnote(pdf)
    pdf.ln(3)
    if style == "bookmarked":
        pdf.start_section("References")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "REFERENCES" if style == "revtex" else "References", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    for reference in paper.references:
        pdf.multi_cell(0, 4, reference, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


EXPONENT_SENTENCE = "The router was trained on 10^25 tokens of text."
FOOTNOTE = "Code and data will be released with the final version."


def _exponent_and_footnote(pdf: FPDF) -> None:
    """A line with an exponent and a footnote mark, and the footnote at the page's foot, set as
    pdfTeX sets them: smaller runs moved up from the baseline, not a flattened "1025"."""
    y = pdf.get_y() + 4
    x = pdf.l_margin
    for text, size, rise in (
        ("The router was trained on 10", 10, 0.0),
        ("25", 7, 1.4),
        (" tokens of text.", 10, 0.0),
        ("1", 7, 1.4),
    ):
        pdf.set_font("Helvetica", "", size)
        pdf.text(x, y - rise, text)
        x += pdf.get_string_width(text)
    foot = pdf.h - 26
    pdf.set_font("Helvetica", "", 5)
    pdf.text(pdf.l_margin, foot - 1.0, "1")
    pdf.set_font("Helvetica", "", 7)
    pdf.text(pdf.l_margin + 1.5, foot, FOOTNOTE)
    pdf.set_y(y + 2)


def _wrapped(text: str, width: int) -> str:
    return "\n        ".join(textwrap.wrap(text, width)) if width else text


def _tag(name: str, cls: str, content: str, **attrs: str) -> str:
    extra = "".join(f" {k}='{v}'" for k, v in attrs.items())
    return f"<{name} class='{cls}'{extra}>{content}</{name}>"


# An equation as LaTeXML writes it: presentation MathML, its content annotation and the TeX source.
DISPLAY_MATH = (
    "<math alttext='\\mathcal{L}=-\\sum_{i=1}^{n}\\log p_{\\theta}(y_{i}\\mid x)' class='ltx_Math' "
    "display='inline'><semantics><mrow><mi class='ltx_font_mathcaligraphic'>\u2112</mi><mo>=</mo>"
    "<mrow><mo>\u2212</mo><mrow><munderover><mo movablelimits='false'>\u2211</mo><mrow><mi>i</mi>"
    "<mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><mrow><mi>log</mi><mo>\u2061</mo><mrow>"
    "<msub><mi>p</mi><mi>\u03b8</mi></msub><mo>\u2062</mo><mrow><mo stretchy='false'>(</mo><mrow>"
    "<msub><mi>y</mi><mi>i</mi></msub><mo>\u2223</mo><mi>x</mi></mrow><mo stretchy='false'>)</mo>"
    "</mrow></mrow></mrow></mrow></mrow></mrow><annotation-xml encoding='MathML-Content'><apply><eq/>"
    "<ci>\u2112</ci><apply><minus/><apply><csymbol cd='ambiguous'>superscript</csymbol><apply>"
    "<csymbol cd='ambiguous'>subscript</csymbol><sum/><apply><eq/><ci>i</ci><cn type='integer'>1</cn>"
    "</apply></apply><ci>n</ci></apply></apply></apply></annotation-xml><annotation "
    "encoding='application/x-tex'>\\mathcal{L}=-\\sum_{i=1}^{n}\\log p_{\\theta}(y_{i}\\mid x)"
    "</annotation></semantics></math>"
)


def paper_html(
    paper: PaperText,
    equations: int = 0,
    article_class: str = "ltx_document",
    section_tag: str = "section",
    wrap: int = 0,
) -> bytes:
    """The page as arXiv's LaTeXML rendering structures it (ltx_ classes); ``equations`` full MathML
    equations per paragraph give it a realistic weight (most of an arXiv HTML page is MathML).
    ``article_class`` "ltx_document ltx_authors_1line" is what arXiv's HTML service puts on the paper
    today, ``section_tag`` "div" what older LaTeXML wrote, and ``wrap`` > 0 breaks paragraphs into
    lines of about that many characters, as the TeX source's line breaks reach the page."""
    e = html.escape
    math = "<math alttext='O(n\\log n)' class='ltx_Math'><semantics><mi>O</mi></semantics></math>"
    math += DISPLAY_MATH * equations
    authors = ", ".join(_tag("span", "ltx_personname", e(a)) for a in paper.authors)
    abstract = _tag("h6", "ltx_title ltx_title_abstract", "Abstract") + _tag("p", "ltx_p", e(paper.abstract))
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(paper.title)}</title><link rel='stylesheet' href='/static/ar5iv.css'>",
        "<script>window.MathJax = {};</script></head><body>",
        "<nav class='ltx_page_navbar'><a href='/'>arXiv</a> <a href='#S1'>1 Introduction</a></nav>",
        f"<div class='ltx_page_main'><article class='{article_class}'>",
        _tag("h1", "ltx_title ltx_title_document", e(paper.title)),
        _tag("div", "ltx_authors", authors),
        _tag("div", "ltx_abstract", abstract),
    ]
    for n, (heading, paragraphs) in enumerate(paper.sections, start=1):
        number, _, name = heading.partition(" ")
        body = [_tag("h2", "ltx_title ltx_title_section", _tag("span", "ltx_tag", f"{number} ") + e(name))]
        body += [
            _tag("div", "ltx_para", _tag("p", "ltx_p", f"{_wrapped(e(text), wrap)} {math}"), id=f"S{n}.p{i}")
            for i, text in enumerate(paragraphs, start=1)
        ]
        if heading.startswith("4 "):
            rows = "".join(
                _tag("tr", "ltx_tr", "".join(_tag("td", "ltx_td", e(cell)) for cell in row))
                for row in paper.table
            )
            caption = _tag("figcaption", "ltx_caption", "Table 1: Accuracy (%) of the baseline and ours.")
            body.append(_tag("figure", "ltx_table", caption + _tag("table", "ltx_tabular", rows)))
        parts.append(_tag(section_tag, "ltx_section", "".join(body), id=f"S{n}"))
    references = "".join(_tag("li", "ltx_bibitem", e(r)) for r in paper.references)
    parts.append(
        _tag(
            "section",
            "ltx_bibliography",
            _tag("h2", "ltx_title ltx_title_bibliography", "References") + f"<ul>{references}</ul>",
        )
    )
    appendix = "".join(_tag("p", "ltx_p", e(line)) for line in paper.appendix)
    parts.append(
        _tag(
            "section",
            "ltx_appendix",
            _tag("h2", "ltx_title ltx_title_appendix", "Appendix A Details") + appendix,
        )
    )
    parts.append(
        "</article></div>" + _tag("footer", "ltx_page_footer", "Generated by LaTeXML") + "</body></html>"
    )
    return "".join(parts).encode()
