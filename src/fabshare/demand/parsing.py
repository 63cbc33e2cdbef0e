"""Read a capacity need written in free text (nl, fr, en, de) into suggested steps.

Pure code: no Django, no ORM, no network, no randomness. ``parse_need(text, taxonomy=…,
today=…)`` returns a ``ParsedNeed`` whose every suggestion carries an ``Evidence``: the exact
substring of the input it was read from (``text[start:end] == evidence.text``), a score in
0..1 and the rule that produced it. The user confirms or corrects the suggestions; nothing
here is authoritative.

Vocabulary
    Processes, materials, material families and certifications come from the taxonomy's
    labels and synonyms in all four languages (``Taxonomy.all_terms()``), plus the parts of
    a label before and inside parentheses ("Roestvast staal (RVS)" also gives "RVS").
    Text and terms are folded the same way: case, accents (é → e, ß → ss) and punctuation
    between words do not matter. A term matches when all its words appear in a row:
    - exactly (score 1.0);
    - inflected: the word is the term plus a short ending ("gelaste", "pliées"), or an
      English participle of an "-ing" term ("deburred") (0.9);
    - in a compound: a word starts or ends with a term of 5+ letters ("Edelstahlblech",
      "RVS-plaat" is two words anyway) (0.85);
    - with a typo: one edit for words of 6–8 letters, two for longer ones, first letter
      right, never for common words of the four languages or what parts are called
      (0.9 × similarity).
    Acronyms of three letters or fewer ("ET", "AM", "PC", "END") match only when written in
    capitals, and a few terms that are everyday words ("tour", "plans", "zetten",
    "Muster", "robotics", "prototypes") are never read alone. The longest match wins; a
    term shared by several materials of one family ("RVS", "inox", "alu", "Edelstahl")
    gives the family only.

Steps
    One step per process, in the order the text first names it. A process named together
    with a more specific one ("bending … press brake", "CNC … milling") gives only the
    specific step. Each step gets the material named nearest to it in the same sentence,
    else the first material of the text, and the need's quantity and limits.

Numbers
    Decimal comma or point ("0,05", "1.5"); thousands grouped by point, comma, space,
    apostrophe or narrow space ("1.000", "1 000", "1,000") when the groups are exactly three
    digits and the first group is not 0. Tolerances are never read as thousands.

Quantity
    A number followed by a piece word (stuks, st., pcs, pieces, pièces, Stück, Stk, units…,
    score 1.0), after "aantal/quantity/quantité/Menge/qty/serie/batch/lot" (0.9), or an
    integer followed by a plain word ("500 brackets", 0.7). The first of the strongest kind
    is the quantity.

Limits
    Dimensions "600x400 mm", "600 x 400 x 20", "600 mm × 400 mm" (cm and m converted to
    mm). Diameter "Ø 20", "⌀20 mm", "diameter/diamètre/Durchmesser 20". Thickness: a
    length near a thickness word (dik, dikte, thick, épaisseur, ép., dick, stark, Stärke,
    Wandstärke, t=) or next to a sheet word or a material ("3 mm stainless", "tôle de 2
    mm", "Blech 2 mm"); a tube "Ø 25 x 1,5 mm" gives diameter 25 and wall thickness 1.5.
    Tolerance "±0,05 mm", "+/- 0.1", "+-50 µm", "tolerantie/tolérance/Toleranz/tolerance
    0,02" in mm (µm divided by 1000). Each is the first one the text names.

Dates (relative to ``today``; a month or day already past means next year)
    - "voor/before/avant/vor/bis/by/tegen/d'ici MONTH" → the last day of the month before
      ("before March" → 28 or 29 February);
    - "eind/end of/fin/Ende MONTH", "in/en/im MONTH" → the last day of that month;
    - "mid/medio/mi-/Mitte MONTH" → the 15th;
    - "15 March", "March 15", "15 maart", "15. März", "le 15 mars" → that day;
    - ISO "2027-03-15", "15/03/2027", "15.03.2027", "15-3-27", "15/03" → that day;
    - "week 12", "wk 12", "KW 12", "semaine 12" → Friday of that ISO week (Monday with a
      start word);
    - "within/binnen/d'ici/innerhalb (von) / in / over / dans N days|weeks|months" and
      "délai/levertijd/lead time/Lieferzeit N …" (also working days) → today + N;
      "next week" → Friday of next week; "this week" → its Friday (today if later).
    With a start word (from, vanaf, à partir de, dès, ab, after, na, après, nach, not before,
    frühestens) a date is the earliest start (a month gives its first day); otherwise it is
    the deadline. The first deadline and the first start are kept.

Language
    Given, or detected from common words and matched terms; None when unclear.

Input longer than ``MAX_TEXT_LENGTH`` is read up to that length (``truncated`` is set).
Cost: O(n) in the text with a small constant; the term index is built once per taxonomy and
cached.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Generic, TypeVar

from dateutil.relativedelta import relativedelta
from rapidfuzz import process as fuzz_process
from rapidfuzz.distance import Levenshtein

from fabshare.catalog.taxonomy import LANGUAGES, Taxonomy

MAX_TEXT_LENGTH = 10_000

V = TypeVar("V")


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """Where a suggestion was read: ``text == source[start:end]``; ``rule`` is one of
    "exact", "inflection", "compound", "fuzzy", "pattern"."""

    text: str
    start: int
    end: int
    score: float
    rule: str


@dataclass(frozen=True)
class Found(Generic[V]):
    """A value read from the text with its evidence."""

    value: V
    evidence: Evidence


@dataclass(frozen=True)
class SuggestedStep:
    process: Found[str]  # process code
    material: Found[str] | None = None  # material code, when one material is meant
    material_family: Found[str] | None = None  # family code (also set with ``material``)
    quantity: Found[int] | None = None
    part_size_mm: Found[tuple[float, ...]] | None = None
    thickness_mm: Found[float] | None = None
    diameter_mm: Found[float] | None = None
    tolerance_mm: Found[float] | None = None

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Every piece of text this step was read from, in text order."""
        found = [self.process, self.material, self.material_family, self.quantity,
                 self.part_size_mm, self.thickness_mm, self.diameter_mm, self.tolerance_mm]
        spans = {f.evidence for f in found if f is not None}
        return tuple(sorted(spans, key=lambda e: (e.start, e.end)))


@dataclass(frozen=True)
class ParsedNeed:
    text: str
    language: str | None = None
    steps: tuple[SuggestedStep, ...] = ()
    materials: tuple[Found[str], ...] = ()  # material codes named, text order
    material_families: tuple[Found[str], ...] = ()  # their families and families named
    quantity: Found[int] | None = None
    dimensions_mm: Found[tuple[float, ...]] | None = None
    thickness_mm: Found[float] | None = None
    diameter_mm: Found[float] | None = None
    tolerance_mm: Found[float] | None = None
    certifications: tuple[Found[str], ...] = ()  # certification codes, text order
    earliest_start: Found[date] | None = None
    deadline: Found[date] | None = None
    truncated: bool = False
    terms: tuple[Found[str], ...] = field(default=(), repr=False)  # every "kind:code" match

    @property
    def is_empty(self) -> bool:
        """Nothing at all was read (empty, blank or meaningless text)."""
        return not (self.steps or self.materials or self.material_families or self.quantity
                    or self.dimensions_mm or self.thickness_mm or self.diameter_mm
                    or self.tolerance_mm or self.certifications or self.earliest_start
                    or self.deadline)

    @property
    def process_codes(self) -> tuple[str, ...]:
        return tuple(step.process.value for step in self.steps)


# -- folding -------------------------------------------------------------------------------

_SPECIAL_FOLDS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "ø", "ł": "l", "đ": "d", "ı": "i",
                  "’": "'", "‘": "'", "×": "x", "–": "-", "—": "-", "\u00a0": " ",
                  "\u202f": " ", "\u2009": " "}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lowered = char.lower()
    if lowered in _SPECIAL_FOLDS:
        return _SPECIAL_FOLDS[lowered]
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.lower() if folded else " "


def _fold(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index in ``text`` it came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def fold(text: str) -> str:
    return _fold(text)[0]


_LONG_DIGITS = re.compile(r"\d{16,}")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")


def _words(folded: str) -> list[str]:
    return _TOKEN.findall(folded)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# -- the term index ------------------------------------------------------------------------

# Everyday words that are also taxonomy terms: never read alone as a term.
_AMBIGUOUS = _wordset("""
tour plans etudes debit conception presse zetten kanten steken meten tappen ruimen drukken
ground cast mill design ontwerp entwicklung konstruktion muster runden senken reiben drucken
scheren lochen pons vouwen ontspannen verouderen tekenen engineering montage finishing marking
vibration traction poli scie rivet presse coating essais testen pressen laser plasma
marking markeren markieren assembling connecting collage studies ingenierie simulation
solder weld ultrasonic prototype prototypes prototypen prototyp muster drucken schneiden snijden
cutting robotics robotica robotik robotique
""") - {"laser", "plasma", "weld", "cutting", "snijden", "schneiden", "collage",
                "montage", "simulation"}

# Words for a material family that the taxonomy's labels do not spell out.
_FAMILY_ALIASES = {"stalen": "steel", "aluminum": "aluminium", "stahlern": "steel",
                   "inoxen": "stainless-steel"}

# Short acronyms that people type in lower case and that are no everyday word.
_LOWERCASE_ACRONYMS = frozenset({"rvs", "cnc", "pvc", "tig", "mig", "wig", "pom", "cfk",
                                 "gfk", "hdpe", "inox", "alu", "pmma", "ptfe", "petg",
                                 "edm", "mim", "niro", "iatf", "haccp", "vca", "ktl"})

# What parts are called: never corrected as typos, but the noun after a quantity.
_PART_NOUNS = _wordset("""
rahmen gehause gehausen halter platte flansche flanschen wellen rohre ringe buchsen teile
frames housings brackets bracket shafts tubes rings bushes covers plates panels beams parts
beugels kader kaders behuizingen assen bussen buizen ringen platen balken onderdelen delen
cadres boitiers supports axes bagues tubes profils capots pieces
""")

# Common words of the four languages: never corrected as typos, never a quantity's noun.
_COMMON = _PART_NOUNS | _wordset("""
a an and are as at be been but by can do for from have how i if in into is it its need needs
of on or our per please should so than that the their them then there these they this those
to up us was we what when which will with would you your about after before also any each
later latest must shall some such very well were where while within without order parts part
pieces piece units unit item items quote quotation offer price delivery deliver delivered
de het een en of van voor met op in is zijn wij we ons onze hebben nodig graag dan daarna
die dat deze dit te tot na naar om uit ook nog per stuks stuk maar bij als wordt worden
kunnen moet moeten prijs offerte levering leveren geleverd eind uiterlijk binnen vanaf
le la les un une des du et ou avec pour par sur dans nous notre nos avons besoin puis ensuite
qui que est sont sera avant apres fin au aux ce cette ces pieces piece prix devis livraison
livrer livre delai plus moins tres bien fois
der die das ein eine einen einem einer und oder mit fur von vom zum zur im am an auf aus bei
bis ist sind wir unser unsere brauchen benotigen bitte dann danach den dem des als auch noch
pro stuck stk teile teil preis angebot lieferung liefern geliefert ende spatestens innerhalb
ab nach vor sehr gut mal
""")

_STOPWORDS = {
    "en": _wordset("the and of for with we need needs then before by from in to our please "
                    "parts pieces within weeks after until latest end deadline"),
    "nl": _wordset("de het een en van voor met we wij nodig dan daarna ons onze graag stuks "
                    "stuk binnen weken tegen uiterlijk eind vanaf dik zijn"),
    "fr": _wordset("le la les un une des du et pour avec nous besoin puis ensuite avant "
                    "pieces piece fin semaines partir au aux notre en d de dans jours "
                    "livraison obligatoire exige"),
    "de": _wordset("der die das ein eine und fur mit wir brauchen benotigen dann danach bis "
                    "stuck stk ende wochen ab spatestens teile aus vom zum zur im"),
}

_INFLECTIONS = ("e", "s", "es", "en", "er", "d", "de", "n", "ee", "ees", "ed", "t", "te",
                "ten", "ing", "em")


@dataclass(frozen=True)
class _Entry:
    kind: str
    codes: tuple[str, ...]
    acronym: bool  # written in capitals in the taxonomy and short: must be capitals in text


class _Matcher:
    """Everything built once per taxonomy: phrases by first word, single words for compounds
    and typos, the process tree and material families."""

    def __init__(self, taxonomy: Taxonomy):
        phrases: dict[tuple[str, ...], dict[str, set[str]]] = {}
        acronyms: set[tuple[str, ...]] = set()
        for term, kind, code in taxonomy.all_terms():
            for variant in _variants(term):
                words = tuple(_words(fold(variant)))
                if not words:
                    continue
                phrases.setdefault(words, {}).setdefault(kind, set()).add(code)
                stripped = variant.strip()
                if (len(words) == 1 and len(words[0]) <= 3 and stripped.isupper()
                        and words[0] not in _LOWERCASE_ACRONYMS):
                    acronyms.add(words)
        languages: dict[tuple[str, ...], set[str]] = {}
        for lang in LANGUAGES:
            for term, kind, _code in taxonomy.all_terms(lang):
                if kind != "certification":
                    for variant in _variants(term):
                        languages.setdefault(tuple(_words(fold(variant))), set()).add(lang)
        self.languages_of = {words: frozenset(langs) for words, langs in languages.items()}
        self.family_of = {m.code: m.family for m in taxonomy.materials}
        self.parent_of = {p.code: p.parent for p in taxonomy.processes}
        self.order = {p.code: i for i, p in enumerate(taxonomy.processes)}
        self.entries: dict[tuple[str, ...], list[_Entry]] = {}
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for words, kinds in phrases.items():
            entries = [_Entry(kind, tuple(sorted(codes)), words in acronyms)
                       for kind, codes in sorted(kinds.items())]
            self.entries[words] = entries
            by_first.setdefault(words[0], []).append(words)
        self.by_first = {first: sorted(ws, key=lambda w: (-len(w), w))
                         for first, ws in by_first.items()}
        self.max_phrase = max((len(w) for w in phrases), default=1)
        singles = sorted(w[0] for w in phrases if len(w) == 1)
        self.singles = frozenset(singles)
        self.fuzzy_vocabulary = [w for w in singles
                                 if len(w) >= 5 and not w.isdigit() and w not in _AMBIGUOUS
                                 and (w, ) not in acronyms]
        by_key: dict[tuple[str, int], list[str]] = {}
        for w in self.fuzzy_vocabulary:
            by_key.setdefault((w[0], len(w)), []).append(w)
        self.fuzzy_by_key = by_key
        self.word_cache: dict[str, tuple | None] = {}
        self.compound_vocabulary = frozenset(
            w for w in singles if len(w) >= 5 and not any(c.isdigit() for c in w)
            and w not in _AMBIGUOUS)

    def is_ancestor(self, ancestor: str, code: str) -> bool:
        parent = self.parent_of.get(code)
        while parent is not None:
            if parent == ancestor:
                return True
            parent = self.parent_of.get(parent)
        return False


def _variants(term: str) -> Iterable[str]:
    """The term, and for "Label (ABBR)" also "Label" and "ABBR"."""
    yield term
    if "(" in term:
        before, _, rest = term.partition("(")
        inside = rest.split(")", 1)[0]
        if before.strip():
            yield before
        for piece in re.split(r"[,/]", inside):
            if piece.strip():
                yield piece


_MATCHERS: dict[int, tuple[Taxonomy, _Matcher]] = {}  # by the taxonomy object
_MATCHERS_BY_TERMS: dict[tuple, _Matcher] = {}  # by its content, for equal copies


def _matcher(taxonomy: Taxonomy) -> _Matcher:
    """The matcher for ``taxonomy``, built once: the same object costs a dict lookup; an
    equal copy (a taxonomy loaded again) costs one pass over its terms (about 5 ms)."""
    cached = _MATCHERS.get(id(taxonomy))
    if cached is not None and cached[0] is taxonomy:
        return cached[1]
    key = (tuple(taxonomy.all_terms()), tuple((m.code, m.family) for m in taxonomy.materials),
           tuple((p.code, p.parent) for p in taxonomy.processes))
    matcher = _MATCHERS_BY_TERMS.get(key)
    if matcher is None:
        if len(_MATCHERS_BY_TERMS) >= 4:
            _MATCHERS_BY_TERMS.clear()
        matcher = _MATCHERS_BY_TERMS[key] = _Matcher(taxonomy)
    if len(_MATCHERS) >= 16:
        _MATCHERS.clear()
    _MATCHERS[id(taxonomy)] = (taxonomy, matcher)
    return matcher


# -- scanning ------------------------------------------------------------------------------


@dataclass
class _Context:
    text: str
    folded: str
    origin: list[int]
    taken: bytearray = field(default_factory=bytearray)  # 1 where the folded text was read

    def __post_init__(self):
        self.taken = bytearray(len(self.folded))

    def evidence(self, fstart: int, fend: int, score: float, rule: str) -> Evidence:
        """Evidence for the folded span [fstart, fend)."""
        start = self.origin[fstart]
        end = self.origin[fend - 1] + 1
        return Evidence(self.text[start:end], start, end, round(score, 3), rule)

    def hit_evidence(self, hit: _Hit) -> Evidence:
        return self.evidence(hit.start, hit.end, hit.score, hit.rule)

    def is_taken(self, start: int, end: int) -> bool:
        return any(self.taken[max(start, 0):end])

    def take(self, start: int, end: int) -> None:
        self.taken[start:end] = b"\x01" * (end - start)


_NUMBER = r"\d{1,3}(?:[.,' ]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d+)?"
_UNIT = r"(?P<unit>mm|cm|m|µm|um|μm|mu|micron)\b"


def _number(raw: str, grouping: bool = True) -> float | None:
    raw = raw.strip()
    if grouping and re.fullmatch(r"[1-9]\d{0,2}(?:[.,' ]\d{3})+", raw):
        return float(re.sub(r"[.,' ]", "", raw))
    try:
        value = float(raw.replace(",", ".").replace(" ", "").replace("'", ""))
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _to_mm(value: float, unit: str | None) -> float:
    factor = {"cm": 10.0, "m": 1000.0, "um": 0.001, "µm": 0.001, "μm": 0.001, "mu": 0.001,
              "micron": 0.001}.get(unit or "mm", 1.0)
    return round(value * factor, 6)


_TOLERANCE = re.compile(
    r"(?:(?:\+/-|\+-|±|\+ /- )\s*|\b(?:tolerantie|tolerance|toleranz|tol\.?)\s*(?:van|of|de|von|:)?"
    r"\s*(?:\+/-|\+-|±)?\s*)(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>mm|µm|um|μm|micron)?")
_DIMENSIONS = re.compile(
    rf"(?P<a>{_NUMBER})\s*(?:(?P<ua>mm|cm|m)\b)?\s*[x*]\s*(?P<b>{_NUMBER})\s*"
    rf"(?:(?P<ub>mm|cm|m)\b)?(?:\s*[x*]\s*(?P<c>{_NUMBER}))?\s*(?:(?P<unit>mm|cm|m)\b)?")
_DIAMETER = re.compile(
    rf"(?:[ø⌀∅]|\b(?:diameter|diametre|durchmesser|diam\.?|dia\.?)\s*(?:van|of|de|von|:)?)"
    rf"\s*(?P<n>{_NUMBER})\s*(?:(?P<unit>mm|cm|m)\b)?"
    rf"(?:\s*x\s*(?P<wall>\d+(?:[.,]\d+)?)\s*(?:(?P<wall_unit>mm)\b)?)?")
_LENGTH = re.compile(rf"(?<![\w.,])(?P<n>{_NUMBER})\s*(?P<unit>mm|cm)\b")
_THICKNESS_WORD = re.compile(
    r"\b(?:dik|dikte|plaatdikte|thick|thickness|epaisseur|ep\.|dick|dicke|stark|starke|"
    r"wandstarke|blechdicke|materiaaldikte|wall)\b|\bt\s*=\s*$")
_SHEET_WORD = re.compile(r"\b(?:plaat|platen|sheet|sheets|plate|plates|tole|toles|blech|"
                         r"bleche|plaatwerk)\b")
_PIECES = (r"stuks|stuk|st\.|st|pcs\.?|pc|pces|pieces|piece|pi[eè]ces?|stuck|stk\.?|units?|"
           r"ex\.?|exemplaren|exemplaires|exemplare|off|teile|teilen|parts|delen|onderdelen")
_QUANTITY_UNIT = re.compile(rf"(?<![\w.,])(?P<n>{_NUMBER})\s*(?:x\s+)?(?:{_PIECES})(?![a-z])")
_QUANTITY_CUE = re.compile(
    rf"\b(?:aantal|quantity|qty|quantite|menge|anzahl|serie van|series of|serie de|serie von|"
    rf"batch of|batch van|lot de|los von|oplage|stuckzahl|volume)\s*:?\s*(?:of|van|de|von)?\s*"
    rf"(?P<n>{_NUMBER})(?![\d.,]*\s*(?:mm|cm|m|%)\b)")
_QUANTITY_NOUN = re.compile(r"(?<![\w.,/+-])(?P<n>\d{1,3}(?:[.,' ]\d{3})+|\d+)"
                            r"\s+(?P<w>[a-z][a-z-]+)")


# -- dates ---------------------------------------------------------------------------------

_MONTHS = {
    1: "january jan januari janvier janv januar janner",
    2: "february feb februari fevrier fevr fev februar",
    3: "march mar maart mrt mars marz maerz",
    4: "april apr avril avr",
    5: "may mei mai",
    6: "june jun juni juin",
    7: "july jul juli juillet juil",
    8: "august aug augustus aout",
    9: "september sep sept septembre",
    10: "october oct oktober okt octobre",
    11: "november nov novembre",
    12: "december dec decembre dezember dez",
}
_MONTH_ABBREVIATIONS = _wordset("jan janv feb fevr fev mar mrt apr avr jun jul juil aug sep "
                                 "sept oct okt nov dec dez")
_MONTH_OF = {name: number for number, names in _MONTHS.items() for name in names.split()}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTH_OF, key=len, reverse=True)) + r")\.?(?![a-z])"

_START_CUE = (r"from|starting|start|as of|after|not before|earliest|vanaf|na|vanaf|niet voor|"
              r"a partir du|a partir de|des le|des|apres|pas avant|ab|ab dem|ab der|nach|"
              r"fruhestens|beginn|beginnen|debut|begin")
_DEADLINE_CUE = (r"before|by|until|till|no later than|latest|deadline|due|voor|tegen|uiterlijk|"
                 r"ten laatste|tot|klaar|avant|d'ici|d ici|pour le|pour|au plus tard|jusqu'au|"
                 r"jusqu'a|bis|bis zum|bis zur|bis spatestens|vor|spatestens|termin|"
                 r"liefertermin|levering|delivery|livraison|lieferung")
_BEFORE_CUE = re.compile(r"\b(?:before|by|voor|tegen|avant|d'ici|d ici|vor|bis)\s*$")
_END_WORD = r"(?:end of|end|eind|einde|eind van|fin|fin de|fin du|ende|ende des|ende)"
_IN_WORD = r"(?:in|en|im|during|tijdens|courant|mid|half|mitte|medio|mi)"
_YEAR = r"(?:\s*(?P<year>20\d\d|'\d\d))?"

_DATE_PATTERNS = [
    ("iso", re.compile(r"\b(?P<year>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    ("dmy", re.compile(r"(?<![\d.,/-])(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})"
                       r"(?:[/.-](?P<year>20\d\d|\d\d))?(?![\d/-]|[.,]\d)")),
    ("end", re.compile(rf"\b{_END_WORD}\s+(?:de\s+|van\s+)?{_MONTH}{_YEAR}")),
    ("day-month", re.compile(rf"(?<![\d.,])(?P<d>\d\d?)(?:st|nd|rd|th|e|er|ste|de)?\.?"
                             rf"(?:\s+of)?\s+{_MONTH}{_YEAR}")),
    ("month-day", re.compile(rf"\b{_MONTH}\s+(?P<d>\d\d?)(?:st|nd|rd|th)?(?![\d.,:])"
                             rf"(?:,?\s*(?P<year>20\d\d))?")),
    ("week", re.compile(r"\b(?:week|wk|kw|semaine|sem\.|kalenderwoche|calendar week)\s*"
                        r"(?P<w>[0-5]?\d)\b(?:\s*(?P<year>20\d\d))?")),
    ("relative", re.compile(
        r"\b(?:within|binnen|d'ici|d ici|innerhalb(?: von)?|in|over|dans|sous|en|"
        r"(?:delai|levertijd|lead time|lieferzeit|delivery time|doorlooptijd)\s*:?)\s*"
        r"(?:de\s+|the\s+next\s+|les\s+)?(?P<n>\d{1,3})\s*"
        r"(?P<unit>working days|business days|werkdagen|jours ouvres|jours ouvrables|"
        r"arbeitstagen|arbeitstage|werktagen|werktage|days|dagen|jours|tagen|tage|"
        r"weeks|weken|semaines|wochen|months|maanden|mois|monaten|monate)\b")),
    ("next-week", re.compile(r"\b(?:next week|volgende week|semaine prochaine|"
                             r"la semaine prochaine|nachste woche|kommende woche)\b")),
    ("this-week", re.compile(r"\b(?:this week|deze week|cette semaine|diese woche)\b")),
    ("month", re.compile(rf"\b{_MONTH}{_YEAR}")),
]


def _next_month_start(today: date, month: int, year: int | None) -> date:
    """The first day of ``month`` in ``year``, or of its next occurrence that has not yet
    begun… or is under way (so "in March" read in March is this March)."""
    if year is not None:
        return date(year, month, 1)
    candidate = date(today.year, month, 1)
    last = date(today.year, month, monthrange(today.year, month)[1])
    return candidate if last >= today else date(today.year + 1, month, 1)


def _month_end(first: date) -> date:
    return date(first.year, first.month, monthrange(first.year, first.month)[1])


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    raw = raw.lstrip("'")
    return int(raw) if len(raw) == 4 else 2000 + int(raw)


def _day(today: date, day: int, month: int, year: int | None) -> date | None:
    if not (1 <= month <= 12) or not (1 <= day <= 31):
        return None
    years = [year] if year is not None else [today.year, today.year + 1]
    for y in years:
        if y < 1 or y > 9999 or day > monthrange(y, month)[1]:
            continue
        candidate = date(y, month, day)
        if year is not None or candidate >= today:
            return candidate
    return None


def _add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _read_dates(ctx: _Context, today: date, found: list[tuple[str, Found[date]]]) -> None:
    folded = ctx.folded
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if ctx.is_taken(start, end):
                continue
            before = folded[max(0, start - 24):start]
            start_cue = re.search(
                rf"\b(?:{_START_CUE})\s*:?\s*(?:le\s+|the\s+|den\s+|dem\s+)?$", before)
            deadline_cue = re.search(
                rf"\b(?:{_DEADLINE_CUE})\s*:?\s*(?:le\s+|the\s+|den\s+|dem\s+|de\s+)?$", before)
            is_start = start_cue is not None
            has_cue = is_start or deadline_cue is not None
            cue = start_cue or deadline_cue
            groups = match.groupdict()
            value: date | None = None
            score = 0.9 if has_cue else 0.7
            try:
                if kind == "iso":
                    value = date(int(groups["year"]), int(groups["m"]), int(groups["d"]))
                elif kind == "dmy":
                    if groups["year"] is None and not has_cue:
                        continue
                    value = _day(today, int(groups["d"]), int(groups["m"]),
                                 _year(groups["year"]))
                elif kind in ("day-month", "month-day"):
                    value = _day(today, int(groups["d"]), _MONTH_OF[groups["month"]],
                                 _year(groups["year"]))
                elif kind == "end":
                    first = _next_month_start(today, _MONTH_OF[groups["month"]],
                                              _year(groups["year"]))
                    value = _month_end(first)
                elif kind == "month":
                    name = groups["month"]
                    word_before = re.search(rf"\b{_IN_WORD}\s*$", before)
                    if name in ("may", "mar", "jun", "jul", "dec", "sep", "mai", "mei") and not (
                            has_cue or word_before):
                        continue
                    if not (has_cue or word_before):
                        score = 0.6
                    month = _MONTH_OF[name]
                    year = _year(groups["year"])
                    mid = re.search(r"\b(?:mid|mitte|medio|half|mi|midden)[\s-]*$", before)
                    if mid:
                        value = _day(today, 15, month, year)
                        start = start - len(before) + mid.start()
                    elif is_start:
                        value = _next_month_start(today, month, year)
                    elif _BEFORE_CUE.search(before):
                        first = date(year, month, 1) if year else date(today.year, month, 1)
                        if year is None and first <= today:
                            first = date(today.year + 1, month, 1)
                        value = first - timedelta(days=1)
                    else:
                        value = _month_end(_next_month_start(today, month, year))
                elif kind == "week":
                    week = int(groups["w"])
                    year = _year(groups["year"]) or today.year
                    weekday = 1 if is_start else 5
                    value = date.fromisocalendar(year, week, weekday)
                    if groups["year"] is None and date.fromisocalendar(year, week, 7) < today:
                        value = date.fromisocalendar(year + 1, week, weekday)
                elif kind == "relative":
                    n = int(groups["n"])
                    unit = groups["unit"]
                    if unit.startswith(("working", "business", "werkdag", "jours ouv",
                                        "arbeitstag", "werktag")):
                        value = _add_working_days(today, n)
                    elif unit[0] in "dj" or unit.startswith("tag"):
                        value = today + timedelta(days=n)
                    elif unit[0] in "wsw":
                        value = today + timedelta(weeks=n)
                    else:
                        value = today + relativedelta(months=n)
                    score = 0.9
                elif kind in ("next-week", "this-week"):
                    monday = today - timedelta(days=today.weekday())
                    if kind == "next-week":
                        monday += timedelta(weeks=1)
                    value = monday if is_start else max(today, monday + timedelta(days=4))
                    score = 0.9
            except (ValueError, OverflowError):
                value = None
            if value is None:
                if kind in ("dmy", "day-month", "month-day"):
                    ctx.take(start, end)  # an impossible date is no month name either
                continue
            if folded[end - 1] == "." and groups.get("month") not in _MONTH_ABBREVIATIONS:
                end -= 1
            if cue is not None and not ctx.is_taken(start - len(before) + cue.start(), start):
                start = start - len(before) + cue.start()  # show the cue word too
            ctx.take(start, end)
            role = "start" if is_start else "deadline"
            found.append((role, Found(value, ctx.evidence(start, end, score, "pattern"))))


# -- terms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int  # folded span
    end: int
    entries: tuple[_Entry, ...]
    score: float
    rule: str
    phrase: tuple[str, ...] = ()


def _read_terms(ctx: _Context, matcher: _Matcher) -> list[_Hit]:
    folded = ctx.folded
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    hits: list[_Hit] = []
    i = 0
    while i < len(tokens):
        word, start, end = tokens[i]
        if ctx.is_taken(start, end):
            i += 1
            continue
        hit = _phrase_at(ctx, matcher, tokens, i)
        if hit is not None:
            hits.append(hit[0])
            i += hit[1]
            continue
        single = _single_word(ctx, matcher, word, start, end)
        if single is not None:
            hits.append(single)
        i += 1
    return hits


def _phrase_at(ctx, matcher: _Matcher, tokens, i) -> tuple[_Hit, int] | None:
    word = tokens[i][0]
    for phrase in matcher.by_first.get(word, ()):
        n = len(phrase)
        if i + n > len(tokens):
            continue
        if tuple(t[0] for t in tokens[i:i + n]) != phrase:
            continue
        start, end = tokens[i][1], tokens[i + n - 1][2]
        if n > 1 and re.search(r"[.;!?\n]\s", ctx.folded[start:end]):
            continue
        if ctx.is_taken(start, end):
            continue
        entries = matcher.entries[phrase]
        original = ctx.text[ctx.origin[start]:ctx.origin[end - 1] + 1]
        if n == 1 and phrase[0] in _AMBIGUOUS:
            continue
        if any(e.acronym for e in entries) and not original.isupper():
            continue
        return _Hit(start, end, tuple(entries), 1.0, "exact", phrase), n
    return None


def _single_word(ctx, matcher: _Matcher, word: str, start: int, end: int) -> _Hit | None:
    """A term read from one word that is not a term itself; cached per matcher, since the
    answer depends on the word only."""
    cache = matcher.word_cache
    if word not in cache:
        if len(cache) > 50_000:
            cache.clear()
        hit = _analyse_word(matcher, word, 0, len(word))
        cache[word] = None if hit is None else (hit.start, hit.end, hit.entries, hit.score,
                                                hit.rule, hit.phrase)
    found = cache[word]
    if found is None:
        return None
    rel_start, rel_end, entries, score, rule, phrase = found
    return _Hit(start + rel_start, start + rel_end, entries, score, rule, phrase)


def _analyse_word(matcher: _Matcher, word: str, start: int, end: int) -> _Hit | None:
    if len(word) > 60:  # no term is that long; a compound or typo check would be wasted
        return None
    if word in _FAMILY_ALIASES:
        entry = _Entry("material_family", (_FAMILY_ALIASES[word],), False)
        return _Hit(start, end, (entry,), 0.9, "inflection")
    if (len(word) < 5 or word in _COMMON or word in _AMBIGUOUS
            or any(c.isdigit() for c in word)):
        return None
    # Inflected: the term plus a short ending.
    for ending in sorted(_INFLECTIONS, key=len, reverse=True):
        stem = word[:-len(ending)]
        if word.endswith(ending) and len(stem) >= 4 and stem in matcher.singles \
                and stem not in _AMBIGUOUS and (stem,) in matcher.entries \
                and not any(e.acronym for e in matcher.entries[(stem,)]):
            return _Hit(start, end, tuple(matcher.entries[(stem,)]), 0.9, "inflection",
                        (stem,))
    # English participles of "-ing" terms: "deburred" for "deburring".
    if word.endswith("ed") and (word[:-2] + "ing",) in matcher.entries \
            and word[:-2] + "ing" not in _AMBIGUOUS:
        term = word[:-2] + "ing"
        return _Hit(start, end, tuple(matcher.entries[(term,)]), 0.9, "inflection", (term,))
    # Compound: starts or ends with a term of five letters or more.
    best: tuple[int, str] | None = None
    for cut in range(len(word) - 3, 4, -1):
        if word[:cut] in matcher.compound_vocabulary:
            best = (cut, word[:cut])
            break
    for cut in range(3, len(word) - 5):
        tail = word[cut:]
        if tail in matcher.compound_vocabulary and (best is None or len(tail) > len(best[1])):
            best = (cut, tail)
            break
    if best is not None:
        term = best[1]
        if word.startswith(term):
            fstart, fend = start, start + len(term)
        else:
            fstart, fend = end - len(term), end
        return _Hit(fstart, fend, tuple(matcher.entries[(term,)]), 0.85, "compound",
                    (term,))
    # Typo.
    if len(word) < 6:  # too short to tell a typo from another word ("bomen", "boren")
        return None
    max_edits = 1 if len(word) <= 8 else 2
    candidates = [term for size in range(len(word) - max_edits, len(word) + max_edits + 1)
                  for term in matcher.fuzzy_by_key.get((word[0], size), ())]
    choice = fuzz_process.extractOne(word, candidates, scorer=Levenshtein.distance,
                                     score_cutoff=max_edits) if candidates else None
    if choice is not None:
        term, distance, _ = choice
        if term[0] == word[0] and abs(len(term) - len(word)) <= max_edits and distance > 0:
            similarity = 1 - distance / max(len(term), len(word))
            return _Hit(start, end, tuple(matcher.entries[(term,)]), 0.9 * similarity, "fuzzy",
                        (term,))
    return None


# -- the parser ----------------------------------------------------------------------------


def parse_need(text: str, *, taxonomy: Taxonomy, today: date,
               language: str | None = None) -> ParsedNeed:
    """Read suggested steps, quantity, limits, certifications and dates from ``text``.

    Never raises for any string; a text with nothing recognisable gives a ``ParsedNeed``
    whose ``is_empty`` is true. ``language`` ("nl", "fr", "en", "de") is reported as given;
    without it the language is guessed.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    truncated = len(text) > MAX_TEXT_LENGTH
    text = text[:MAX_TEXT_LENGTH]
    if language is not None and language not in LANGUAGES:
        language = None if language[:2] not in LANGUAGES else language[:2]
    matcher = _matcher(taxonomy)
    folded, origin = _fold(text)
    # A run of more than 15 digits is no number anyone means, and would make the number
    # patterns quadratic: blank it (same length, so positions still map back).
    folded = _LONG_DIGITS.sub(lambda m: "#" * len(m.group()), folded)
    ctx = _Context(text, folded, origin)
    if not folded.strip():
        return ParsedNeed(text=text, language=language, truncated=truncated)

    # Patterns first, so their numbers are not read as material grades or quantities.
    dates: list[tuple[str, Found[date]]] = []
    _read_dates(ctx, today, dates)
    tolerance = _read_tolerance(ctx)
    diameter, wall = _read_diameter(ctx)
    dimensions = _read_dimensions(ctx)
    quantity = _read_quantity(ctx, _QUANTITY_UNIT, 1.0)
    if quantity is None:
        quantity = _read_quantity(ctx, _QUANTITY_CUE, 0.9)
    lengths = _read_lengths(ctx)

    hits = _read_terms(ctx, matcher)
    for hit in hits:
        ctx.take(hit.start, hit.end)
    thickness = wall or _read_thickness(ctx, lengths, hits)
    if quantity is None:
        quantity = _read_noun_quantity(ctx)

    process_hits: list[tuple[_Hit, str]] = []
    material_hits: list[tuple[_Hit, str | None, str | None]] = []
    certifications: list[Found[str]] = []
    terms: list[Found[str]] = []
    for hit in hits:
        evidence = ctx.hit_evidence(hit)
        for entry in hit.entries:
            for code in entry.codes:
                terms.append(Found(f"{entry.kind}:{code}", evidence))
        kinds = {e.kind: e for e in hit.entries}
        if "process" in kinds:
            for code in _most_specific(matcher, kinds["process"].codes):
                process_hits.append((hit, code))
        elif "material_family" in kinds or "material" in kinds:
            material_hits.append((hit, *_material_of(matcher, kinds)))
        if "certification" in kinds:
            for code in kinds["certification"].codes:
                certifications.append(Found(code, evidence))

    steps_hits = _order_steps(matcher, process_hits)
    materials = _merge_adjacent(ctx, material_hits)
    step_list = []
    for hit, code in steps_hits:
        mat = _nearest_material(ctx, hit, materials)
        material = family = None
        if mat is not None:
            mhit, mcode, mfamily = mat
            mevidence = ctx.hit_evidence(mhit)
            material = Found(mcode, mevidence) if mcode else None
            family = Found(mfamily, mevidence) if mfamily else None
        step_list.append(SuggestedStep(
            process=Found(code, ctx.hit_evidence(hit)),
            material=material, material_family=family, quantity=quantity,
            part_size_mm=dimensions, thickness_mm=thickness, diameter_mm=diameter,
            tolerance_mm=tolerance))

    deadline = next((f for role, f in sorted(dates, key=_date_order) if role == "deadline"),
                    None)
    earliest = next((f for role, f in sorted(dates, key=_date_order) if role == "start"), None)
    material_found = tuple(_dedupe(Found(c, ctx.hit_evidence(h)) for h, c, _ in materials if c))
    family_found = tuple(_dedupe(Found(f, ctx.hit_evidence(h)) for h, _, f in materials if f))
    return ParsedNeed(
        text=text,
        language=language or _detect_language(matcher, folded, hits),
        steps=tuple(step_list),
        materials=material_found,
        material_families=family_found,
        quantity=quantity,
        dimensions_mm=dimensions,
        thickness_mm=thickness,
        diameter_mm=diameter,
        tolerance_mm=tolerance,
        certifications=tuple(_dedupe(certifications)),
        earliest_start=earliest,
        deadline=deadline,
        truncated=truncated,
        terms=tuple(terms),
    )


def _date_order(item: tuple[str, Found[date]]):
    return item[1].evidence.start


def _dedupe(found: Iterable[Found[str]]) -> list[Found[str]]:
    seen: set[str] = set()
    out = []
    for item in found:
        if item.value not in seen:
            seen.add(item.value)
            out.append(item)
    return out


def _most_specific(matcher: _Matcher, codes: tuple[str, ...]) -> list[str]:
    """Of several processes one term names, those not an ancestor of another one; the
    first in taxonomy order when they are siblings."""
    leaves = [c for c in codes if not any(matcher.is_ancestor(c, o) for o in codes)]
    if len(leaves) > 1:
        # Siblings sharing a word ("moulage"): the common parent is the honest reading.
        parents = {matcher.parent_of.get(c) for c in leaves}
        if len(parents) == 1 and None not in parents:
            return [parents.pop()]
        leaves.sort(key=lambda c: matcher.order.get(c, 0))
        return leaves[:1]
    return leaves


def _material_of(matcher: _Matcher, kinds: dict[str, _Entry]) -> tuple[str | None, str | None]:
    if "material_family" in kinds:
        return None, kinds["material_family"].codes[0]
    codes = kinds["material"].codes
    families = sorted({matcher.family_of[c] for c in codes})
    if len(codes) == 1:
        return codes[0], families[0]
    return None, families[0] if len(families) == 1 else None


def _order_steps(matcher: _Matcher, process_hits: list[tuple[_Hit, str]]):
    codes = {code for _, code in process_hits}
    out = []
    seen = set()
    for hit, code in process_hits:
        if code in seen or any(matcher.is_ancestor(code, other) for other in codes):
            continue
        seen.add(code)
        out.append((hit, code))
    return out


def _merge_adjacent(ctx: _Context, material_hits):
    """Drop a family named right next to one of its materials ("acier C45", "RVS 316")."""
    kept = []
    for hit, code, family in material_hits:
        if code is None and family is not None and any(
                other_code and other_family == family and _adjacent(ctx, hit, other)
                for other, other_code, other_family in material_hits):
            continue
        kept.append((hit, code, family))
    return kept


def _adjacent(ctx: _Context, a: _Hit, b: _Hit) -> bool:
    lo, hi = (a.end, b.start) if a.end <= b.start else (b.end, a.start)
    return 0 <= hi - lo <= 3 and not ctx.folded[lo:hi].strip(" -/(")


def _sentence_of(folded: str, position: int) -> tuple[int, int]:
    start = max(folded.rfind(". ", 0, position), folded.rfind("\n", 0, position),
                folded.rfind("; ", 0, position))
    ends = [i for i in (folded.find(". ", position), folded.find("\n", position),
                        folded.find("; ", position)) if i != -1]
    return start + 1, (min(ends) if ends else len(folded))


def _nearest_material(ctx: _Context, hit: _Hit, materials):
    usable = [m for m in materials if m[1] or m[2]]
    if not usable:
        return None
    distinct = {(m[1], m[2]) for m in usable}
    if len(distinct) == 1:
        return usable[0]
    lo, hi = _sentence_of(ctx.folded, hit.start)
    same = [m for m in usable if lo <= m[0].start < hi]
    if same:
        return min(same, key=lambda m: (abs(m[0].start - hit.start), m[0].start))
    return usable[0]


# -- numbers -------------------------------------------------------------------------------


def _read_tolerance(ctx: _Context) -> Found[float] | None:
    for match in _TOLERANCE.finditer(ctx.folded):
        value = _number(match.group("n"), grouping=False)
        if value is None or ctx.is_taken(*match.span()):
            continue
        ctx.take(*match.span())
        return Found(_to_mm(value, match.group("unit")),
                     ctx.evidence(*match.span(), 1.0, "pattern"))
    return None


def _read_dimensions(ctx: _Context) -> Found[tuple[float, ...]] | None:
    for match in _DIMENSIONS.finditer(ctx.folded):
        if ctx.is_taken(*match.span()):
            continue
        end = match.end()
        while end > match.start() and ctx.folded[end - 1] == " ":
            end -= 1
        numbers = [_number(match.group(g)) for g in ("a", "b", "c") if match.group(g)]
        if any(n is None or n <= 0 for n in numbers):
            continue
        unit = match.group("unit") or match.group("ub") or match.group("ua")
        ctx.take(match.start(), end)
        return Found(tuple(_to_mm(n, unit) for n in numbers),
                     ctx.evidence(match.start(), end, 1.0 if unit else 0.8, "pattern"))
    return None


def _read_diameter(ctx: _Context) -> tuple[Found[float] | None, Found[float] | None]:
    """The diameter, and the wall thickness of a tube written "Ø 25 x 1,5 mm"."""
    for match in _DIAMETER.finditer(ctx.folded):
        value = _number(match.group("n"))
        if value is None or ctx.is_taken(*match.span()):
            continue
        end = match.end()
        while ctx.folded[end - 1] == " ":
            end -= 1
        ctx.take(match.start(), end)
        wall = None
        if match.group("wall"):
            wall_value = _number(match.group("wall"), grouping=False)
            if wall_value is not None:
                unit = match.group("wall_unit") or match.group("unit")
                wall = Found(_to_mm(wall_value, unit),
                             ctx.evidence(match.start("wall"), end, 0.8, "pattern"))
            end = match.end("n")
        unit = match.group("unit") or match.group("wall_unit")
        return (Found(_to_mm(value, unit), ctx.evidence(match.start(), end, 1.0, "pattern")),
                wall)
    return None, None


def _read_lengths(ctx: _Context) -> list[tuple[int, int, float]]:
    out = []
    for match in _LENGTH.finditer(ctx.folded):
        value = _number(match.group("n"))
        if value is None or ctx.is_taken(*match.span()):
            continue
        out.append((match.start(), match.end(), _to_mm(value, match.group("unit"))))
    return out


def _read_thickness(ctx: _Context, lengths, hits: list[_Hit]) -> Found[float] | None:
    folded = ctx.folded
    material_starts = {h.start for h in hits
                       if any(e.kind in ("material", "material_family") for e in h.entries)}
    material_ends = {h.end for h in hits
                     if any(e.kind in ("material", "material_family") for e in h.entries)}
    for start, end, value in lengths:
        before = folded[max(0, start - 25):start]
        after = folded[end:end + 25]
        near_word = (_THICKNESS_WORD.search(before[-14:]) or _THICKNESS_WORD.match(after.lstrip())
                     or re.match(r"\s*(?:d'|de\s+|van\s+)?(?:dik|epaisseur|dick|stark)", after))
        sheet = (_SHEET_WORD.match(after.lstrip()) or re.search(
            r"(?:plaat|platen|sheet|plate|plates|tole|toles|blech|bleche|platte|platten|plaque|plaques)\s*(?:of|van|de|von|en)?\s*$",
            before))
        gap = len(after) - len(after.lstrip())
        material_before = any(e > start - 12 and e <= start and not folded[e:start].strip()
                              for e in material_ends)
        material = any(end + gap == s or (end + gap < s <= end + gap + 6 and
                                          re.match(r"\s*(?:de|van|aus|en|in)?\s*$",
                                                   folded[end:s]))
                       for s in material_starts)
        if near_word or sheet or material or material_before:
            ctx.take(start, end)
            return Found(value, ctx.evidence(start, end, 0.9 if near_word else 0.8, "pattern"))
    return None


_NOT_QUANTITY_NOUN = _wordset("""
mm cm m um x mal keer fois times percent procent pourcent prozent kg g t ton tonnes tonnen
bar kw kn n nm uur hours heures stunden h min dagen days jours tage tagen weken weeks semaines
wochen maanden months mois monate monaten jaar years ans jahre euro eur rpm ral
""")


def _read_quantity(ctx: _Context, pattern: re.Pattern, score: float) -> Found[int] | None:
    for match in pattern.finditer(ctx.folded):
        value = _number(match.group("n"))
        if value is None or value != int(value) or value <= 0 or value > 10**9:
            continue
        if ctx.is_taken(*match.span()):
            continue
        ctx.take(*match.span())
        return Found(int(value), ctx.evidence(*match.span(), score, "pattern"))
    return None


def _read_noun_quantity(ctx: _Context) -> Found[int] | None:
    for match in _QUANTITY_NOUN.finditer(ctx.folded):
        word = match.group("w")
        if word in _NOT_QUANTITY_NOUN or word in _MONTH_OF:
            continue
        if word.startswith(("axis", "ax", "assig", "achs")) and len(match.group("n")) == 1:
            continue
        if word in _COMMON and word not in _PART_NOUNS:
            continue
        span = match.span("n")
        if ctx.is_taken(*span):
            continue
        value = _number(match.group("n"))
        if value is None or value <= 0 or value > 10**9:
            continue
        return Found(int(value), ctx.evidence(*span, 0.7, "pattern"))
    return None


def _detect_language(matcher: _Matcher, folded: str, hits: list[_Hit]) -> str | None:
    words = _words(folded)
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    for hit in hits:
        langs = matcher.languages_of.get(hit.phrase, frozenset())
        if len(langs) <= 2:
            for lang in langs:
                counts[lang] += 2
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], LANGUAGES.index(kv[0])))
    if ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]
