"""arXiv's category taxonomy, used to catch typos in the configured categories."""

from __future__ import annotations

_BY_ARCHIVE: dict[str, str] = {
    "cs": "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA "
    "NE NI OH OS PF PL RO SC SD SE SI SY",
    "stat": "AP CO ME ML OT TH",
    "eess": "AS IV SP SY",
    "econ": "EM GN TH",
    "math": "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT SG SP ST",
    "q-bio": "BM CB GN MN NC OT PE QM SC TO",
    "q-fin": "CP EC GN MF PM PR RM ST TR",
    "astro-ph": "CO EP GA HE IM SR",
    "cond-mat": "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con",
    "nlin": "AO CD CG PS SI",
    "physics": "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an "
    "ed-ph flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph "
    "soc-ph space-ph",
}
# Archives that are categories themselves.
_STANDALONE = {"gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nucl-ex", "nucl-th", "quant-ph"}

CATEGORIES: frozenset[str] = frozenset(
    {f"{archive}.{sub}" for archive, subs in _BY_ARCHIVE.items() for sub in subs.split()} | _STANDALONE
)
# Whole archives can be followed too (rss.arxiv.org/rss/cs).
ARCHIVES: frozenset[str] = frozenset(_BY_ARCHIVE) | _STANDALONE
