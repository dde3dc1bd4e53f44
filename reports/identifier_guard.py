"""The identifier guard: text typed into a de-identified note must not carry a patient identifier.

A note is de-identified unless its author asked for identifiers; a clinician's edit, comment or
corrected reasoning could undo that by pasting "Pt: DOE, Jane  MRN 00884422". What is refused
follows the HIPAA Safe Harbor list, for the patient and the people around them (clinicians' and
staff names, with their role or title, may appear):
  1. names: a title and a surname ("Mrs Patel"), a given name with a surname ("Jane Doe"), a given
     name used for the patient ("Priya slept through photic"), a name after "patient:", "name:",
     "her son", a "SURNAME, Given" pasted from a hospital system;
  2. record, account and national numbers (MRN, NHS, SSN, insurance, Aadhaar, DNI, NIR…), a
     labelled id, and any run of eight or more digits;
  3. contact details: phone numbers, e-mail addresses (also "jane dot doe at gmail dot com"),
     URLs, IP addresses, street addresses, postcodes, "lives in <town>";
  4. dates more precise than the year (birth, visit, recording: "3 March 2024", "02/01/1970",
     "seen 12/03") and ages over 89.
Kept: EEG findings, channel names (T3, Fp1, A1), ERP names (P300), years, times of day, durations,
ages up to 89, relative dates, pseudonymous study codes ("participant P07"), software versions,
and eponyms ("Hjorth parameters", "Welch's method", "Lennox-Gastaut").
"""

from __future__ import annotations

import re
import unicodedata

from encoders.errors import ReportError
from prompts.claims.text import NUMBER_WORD

from . import person_names as p
from .guard import visible_text

_MONTHS = (r"jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|(?-i:May|MAY)|june?|july?|aug(?:ust|\.)?|"
           r"sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?|janvier|février|mars|avril|"
           r"mai|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|juli|"
           r"oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
           r"noviembre|diciembre|muharram|safar|rabi'? al-(?:awwal|thani)|jumada al-(?:awwal|thani|ula|akhira)|rajab|"
           r"sha'?ban|ramadan|shawwal|dhu al-(?:qi'?dah|hijjah)|janeiro|fevereiro|março|maio|junho|julho|setembro|"
           r"outubro|dezembro|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|"
           r"februari|maart|mei|augustus")
_DAY_WORDS = (r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
              r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
              r"twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|thirty[- ]first")
_DIGIT_WORDS = r"zero|oh|one|two|three|four|five|six|seven|eight|nine|double \w+"
_DATE_CONTEXT = (r"on|seen|recorded|admitted|discharged|dob|d\.o\.b\.?|born|birth|birthday|visit(?:ed)?|dated?|"
                 r"since|until|from|appointment|admission|discharge|appt|arrived|presented|attended|signed|"
                 r"review(?:ed)?|scan(?:ned)?|test(?:ed)?|eeg|session|le|am|el|du|vom")
_ID_LABELS = (r"mrn|m\.r\.n\.|medical record(?: number| no\.?| #)?|hospital (?:number|no\.?|id|#)|"
              r"hosp(?:ital)? no\.?|nhs(?: number| no\.?| #)?|chi(?: number| no\.?)|patient (?:id|number|no\.?|#)|"
              r"pt (?:id|no\.?|#)|case (?:number|no\.?|id|#)|record (?:number|no\.?)|account (?:number|no\.?)|"
              r"acct\.? (?:no\.?|#)|insurance (?:number|no\.?|id|#)|policy (?:number|no\.?)|member id|"
              r"ssn|social security(?: number| no\.?)?|national (?:id|insurance)(?: number| no\.?)?|ni number|"
              r"nino|nir|n° de sécurité sociale|numéro de sécurité sociale|sécu|dni|nie|nif|aadhaa?r|"
              r"versichertennummer|krankenversichertennummer|versicherten-?nr\.?|medicare(?: number| no\.?)?|"
              r"health card(?: number| no\.?)?|ohip|nhi|pesel|bsn|personnummer|resident id|id card|"
              r"identity card|passport(?: number| no\.?)?|driver'?s licen[cs]e(?: number| no\.?)?|"
              r"licen[cs]e (?:number|no\.?)|serial(?: number| no\.?)?|s/n|id(?: number| no\.?| #)?|"
              r"nhc|historia clínica|ipp|fallnummer|fall-?nr\.?|uhid|chart(?: number| no\.?| #)?|"
              r"encounter(?: number| no\.?| #)?|csn|visit number|admission number|(?-i:PAN)(?: card)?|"
              r"run(?: number| no\.?| #)|booking(?: number| no\.?| #)?|tracking(?: number| no\.?| #)?|"
              r"(?:police|court|probate|incident|docket|welfare|cps)(?: case| report)?(?: number| no\.?| #)?|"
              r"rrn|resident registration(?: number| no\.?)?|cpf|curp|hetu|ppsn?|codice fiscale|cpr|"
              r"(?:t\.?c\.? )?kimlik(?: no\.?)?|nin|my ?number|individual number|"
              r"(?:health )?insurance card(?: number| no\.?| #)?|driver'?s? licen[cs]e(?: number| no\.?)?|"
              r"身份证(?:号)?|病历号|住院号")

_UPPER_LETTER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞİĶĹĽŁŃŇŐŒŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_LOWER_LETTERS = r"a-zß-öø-ÿāăąćčďđēęěğıķĺľłńňőœřśşšţťūůűųźżž'’"
_WORD_NAME = rf"[{_UPPER_LETTER}][{_LOWER_LETTERS}]+(?:-[{_UPPER_LETTER}][{_LOWER_LETTERS}]+)?"
_UPPER_NAME = rf"[{_UPPER_LETTER}][{_UPPER_LETTER}'’]{{1,}}(?:-[{_UPPER_LETTER}][{_UPPER_LETTER}'’]+)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Each run of word characters is tried from its start only (the lookbehinds), so a long hyphenated
    # or dotted run costs one pass, not one per character.
    ("an e-mail address", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
                                     r"|\b\w+(?: dot \w+)* (?:at|@) \w+(?: dot \w+)+\b"
                                     r"|(?<![\w.+-])[\w.+-]+\s*[\[({]\s*at\s*[\])}]\s*[\w.-]+\s*[\[({]\s*dot\s*[\])}]\s*\w+", re.I)),
    ("a messaging handle", re.compile(r"\b(?:wechat|whatsapp|skype|telegram|instagram|twitter|facebook|"
                                      r"snapchat|tiktok|username|user name)(?: id| handle)?"
                                      r"(?:\s+of\s+[\w\s]{1,20}?)?\s*[:=]\s*@?[\w.-]{3,}", re.I)),
    ("a web address", re.compile(r"\bhttps?://(?!(?:127\.0\.0\.1|localhost|0\.0\.0\.0)\b)\S+|\bwww\.\S+\.\w+"
                                 r"|(?<![\w.-])[\w-]+\.(?:com|org|net|io|me|info|co\.\w{2}|[a-z]{2})/[\w./?=%-]+",
                                 re.I)),
    ("an IP address", re.compile(r"(?<![\w.])(?!127\.|0\.0\.0\.0)(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}"
                                 r"(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\w|\.\d)")),
    ("a record or id number", re.compile(r"\b(?:" + _ID_LABELS + r")(?!(?<=[a-z])[a-z])(?:\s+(?:of|for)\s+[\w\s]{1,30}?)?\s*"
                                         r"(?:[:#=.]|is|was)?\s*(?=[\w\- /]*\d)[A-Z0-9][\w\-/ ]{2,24}?\d\w*", re.I)),
    ("a national identity number", re.compile(
        r"\b\d{3}-\d{2}-\d{4}\b"  # US SSN
        r"|\b\d{6}-[1-4]\d{6}\b"  # Korean RRN
        r"|\b\d{3}\.\d{3}\.\d{3}-\d{2}\b"  # Brazilian CPF
        r"|\b[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d\b"  # Mexican CURP
        r"|\b\d{6}[-+A]\d{3}[0-9A-Y]\b"  # Finnish HETU, Danish CPR
        r"|\b(?:19|20)?\d{6}[-+]\d{4}\b"  # Swedish personnummer
        r"|\b\d{7}[A-W][A-IW]?\b"  # Irish PPSN
        r"|\b[A-Z]{6}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z]\b")),  # Italian codice fiscale
    ("a phone number", re.compile(r"(?:\b(?:tel|telephone|phone|ph|mobile|mob|cell|fax|handy|tél|téléfono|"
                                  r"teléfono|móvil|portable)\.?\s*(?:no\.?|number|#)?\s*[:.]?\s*\+?[\d(][\d ()./-]{5,}\d)"
                                  r"|(?:\+\d{1,3}[\s.-]?)(?:\(?\d{1,4}\)?[\s.-]?){2,5}\d{2,4}\b"
                                  r"|\(\d{2,5}\)\s?\d{3,4}[\s.-]?\d{3,4}\b"
                                  r"|\b\d{3}[\s.-]\d{3}[\s.-]\d{4}\b|\b0\d{2,4}[\s.-]?\d{3}[\s.-]?\d{3,4}\b"
                                  r"|\b0\d(?:[ .-]?\d{2}){4}\b|\b1[3-9]\d[ -]?\d{4}[ -]?\d{4}\b"
                                  r"|\b0\d{1,4}-\d{1,4}-\d{4}\b", re.I)),
    ("a long number", re.compile(r"(?<![\d.,])\d{8,}(?![\d.,]?\d)|\b(?:\d ){5,}\d\b|\b\d{4} \d{4} \d{4}\b"
                                 r"|\b(?:(?:" + _DIGIT_WORDS + r")[\s,-]+){6,}(?:" + _DIGIT_WORDS + r")\b", re.I)),
    ("a biometric identifier or photograph", re.compile(
        r"\b(?:full[- ]face|facial)\s+(?:\w+\s+)?(?:photo\w*|image|picture|scan)|\bphoto(?:graph)?s? of the (?:patient|participant)"
        r"|(?<!spectral )(?<!eeg )(?<!neural )(?<!brain )(?<!individual )(?<!oscillatory )(?<!functional )"
        r"(?<!connectivity )\bfinger\s?prints?\b|\bvoice\s?prints?\b|\bretina(?:l)? scans?\b|\biris scans?\b|\bpalm\s?prints?\b"
        r"|\bface scans?\b|\b(?:identifying|distinctive|unique)\s+(?:tattoo|birthmark|scar)s?"
        r"|\btattoos?\s+(?:[\w-]+\s+){0,4}?(?:reading|reads|saying|says|that reads|with the name|of the name)\b",
        re.I)),
    ("a named school or employer", re.compile(
        r"(?<![\w'’.-])(?:[A-Z][\w'’.-]+\s+){1,3}(?-i:Elementary|Middle School|High School|Primary School|Academy|Grammar School)\b"
        r"|(?<![\w'’-])[a-z][\w'’-]+\s+(?:elementary|middle|high|primary|grammar) school\b"
        r"|\b(?:works?|working|worked|employed|shift|job)\s+(?:as\s+(?:an?\s+)?\w+\s+)?(?:at|for|by)\s+(?:the\s+)?"
        r"(?-i:[A-Z])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+)?"
        r"|\b(?:attends|attending|pupil at|student at)\s+(?:[\w-]+\s+){0,2}?(?:at\s+)?(?-i:St\.?|Saint|[A-Z])[\w'’.-]+",
        re.I)),
    ("a street address", re.compile(r"\b" + NUMBER_WORD + r"(?:[\s-]+" + NUMBER_WORD + r")*\s+(?:\w+\s+){1,2}?"
                                    r"(?:street|road|avenue|lane|drive|boulevard|crescent|terrace)\b"
                                    r"|\b\d{1,5}[a-z]?,?\s+"
                                    r"(?:(?:[NSEW]|north|south|east|west)\.?\s+)?(?:[A-Z][\w'’-]+\s+){1,3}(?:street|st|road|rd|avenue|ave|"
                                    r"lane|ln|drive|boulevard|blvd|court|ct|way|place|pl|close|crescent|"
                                    r"terrace|square|sq|gardens|grove|parkway|highway|hwy)\b\.?"
                                    r"|(?<![\w-])[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring)\s+\d{1,4}\b"
                                    r"|\b\d{1,4},?\s+(?:rue|avenue|boulevard|bd|chemin|allée|impasse|calle|avenida|"
                                    r"avda\.?|paseo|plaza|(?-i:Via|Viale|Piazza|Corso))\s+[\w'’ -]{2,40}"
                                    r"|\b(?:rue|calle|avenida|(?-i:Via|Piazza))\s+[A-Z][\w'’ -]{2,30},?\s+\d{1,4}\b"
                                    r"|\b(?:p\.?o\.? box|apt\.?|apartment|flat|suite|h\.?\s?no\.?|house no\.?)\s*\d+"
                                    r"|\b(?:road|street|rd|st|lu|jie|lane|marg)\s+no\.?\s*\d+"
                                    r"|\b\d{1,5}\s+[A-Z][\w-]*-(?:ro|gil|daero)\b|\b[A-Z][a-z]+-gu\b|\b\d+-chome\b"
                                    r"|\b(?:ul|al|os|pl)\.\s+[A-ZŁŚŻŹ][\wąćęłńóśźż-]+\s+\d+", re.I)),
    ("a postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|〒\s?\d{3}-?\d{4}"
                              r"|\b[ACDEFHKNPRTVWXY]\d{2}\s?(?=[0-9A-Z]{0,3}[A-Z])[0-9ACDEFHKNPRTVWXY]{4}\b"  # Eircode
                              r"|\b\d{4}\s?[A-Z]{2}\b(?=\s+[A-Z][a-z])"  # Dutch "1012 AB Amsterdam"
                              r"|\b\d{2}-\d{3}\s+[A-ZŁŚŻ][\wąćęłńóśźż]+"  # Polish "00-590 Warszawa"
                              r"|\b(?i:zip|zip code|postcode|post code|postal code|plz|code postal|pin code|pincode)"
                              r"\s*[:#]?\s*\d[A-Z\d -]{2,8}\b"
                              r"|\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b|\b\d{5}\s+(?:[A-Z][a-zäöüéèà]+)(?:\s[A-Z][a-z]+)?\b(?=\s*(?:$|[,.;)]))")),
    ("a place of residence", re.compile(r"\b(?:lives|living|resides|residing|resident|wohnhaft|vit|vive|domiciled)"
                                        r"(?:\s+\w+){0,3}?\s+(?:in|at|à|en|a)\s+(?:the\s+)?(?-i:[A-ZÀ-Þ])[\w'’-]+"
                                        r"|\breturns?\s+(?:home\s+)?to\s+(?-i:[A-ZÀ-Þ])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+)?"
                                        r"|(?:^|(?<=[.;]\s))(?-i:From)\s+(?-i:[A-ZÀ-Þ])[\w'’-]+\s*[;,]", re.I)),
    ("an age over 89", re.compile(r"\b(?:9\d|1[01]\d)[- ](?:years?|yrs?|y)[- ]?(?:old|o\b)|\b(?:9\d|1[01]\d)(?:st|nd|rd|th) birthday"
                                  r"|\b(?:aged?|age:)\s*(?:9\d|1[01]\d)\b|\b(?:9\d|1[01]\d)\s?(?:yo|y/o|y\.o\.)\b"
                                  r"|\bnonagenarian|\bcentenarian|\b(?:âgée?|agée?|de|con)\s+(?:de\s+)?(?:9\d|1[01]\d)\s*(?:ans|años)\b"
                                  r"|\b(?:9\d|1[01]\d)[- ]?(?:jährige|jähriger|jährigen|ans|años)\b", re.I)),
    ("a date", re.compile(
        r"\b(?:[0-3]?\d)(?:st|nd|rd|th)?(?:\s+(?:of|de|del|di))?[\s.-]+(?:" + _MONTHS + r")(?![a-z])\.?(?:[\s,.-]+(?:19|20)?\d{2})?\b"
        r"|\b(?:" + _MONTHS + r")(?![a-z])\.?\s+[0-3]?\d(?:st|nd|rd|th)?\b(?!\s*(?:hz|µv|uv|s\b|sec|min|ms|%))"
        r"|\b(?:the\s+)?(?:" + _DAY_WORDS + r")\s+of\s+(?:" + _MONTHS + r")\b"
        r"|(?<![\d.v])\b[0-3]?\d[/.-][01]?\d[/.-](?:19|20)\d{2}\b(?![\d.])"
        r"|(?<![\d.v])\b(?:19|20)\d{2}[/.-][01]?\d[/.-][0-3]?\d\b(?![\d.])"
        r"|(?<![\d.v])\b[01]?\d/[0-3]?\d/\d{2}\b(?![\d./])|(?:\d{1,4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
        r"|\d{2,4}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일"
        # a day and month with no year after a date word: "seen 12/03", "Admitted 03/22", "am 14.03."
        r"|\b(?:" + _DATE_CONTEXT + r")\s*[:.,]?\s+(?:[0-3]?\d/[0-3]?\d\b(?![\d./])|[0-3]?\d\.[01]\d\.(?!\d))",
        re.I)),
    ("a birth date", re.compile(r"\b(?:dob|d\.o\.b\.?|date of birth|born(?: on)?|geb\.?|geboren(?: am)?|né(?:e)? le|"
                                r"nacid[oa] el|fecha de nacimiento|date de naissance|b\.)\s*[:.]?\s*"
                                r"(?:\d|(?:the\s+)?(?:" + _DAY_WORDS + r")|(?:" + _MONTHS + r"))", re.I)),
]

_ROLE = re.compile(r"\b(?:" + p.CLINICIAN_ROLES + r")\b\.?$", re.I)
_ROLE_INSIDE = re.compile(r"\s(?:" + p.CLINICIAN_ROLES + r")\.?$", re.I)
_ROLE_AFTER = re.compile(r"^[\s,(]*(?:\w+\s+){0,2}?\(?(?:" + p.CLINICIAN_ROLES + r")\b", re.I)
_POSSESSIVE_BEFORE = re.compile(r"\b(?:her|his|their|the patient'?s|pt'?s|patient'?s|my|our|your)\s+$", re.I)
_NAME = r"(?-i:" + _WORD_NAME + "|" + _UPPER_NAME + ")"  # a capitalised word, whatever the pattern's case
_TITLE_NAME = re.compile(r"\b(?:(?=[A-Z])(?i:" + p.TITLES + r")\.?\s+" + _NAME + r"|(?i:" + p.PLAIN_TITLES
                         + r")\.?\s+[a-zà-ÿ'’-]{2,})")
_SURNAME_FIRST = re.compile(r"\b" + _UPPER_NAME + r",\s*(" + _WORD_NAME + "|" + _UPPER_NAME + r")\b")
_AFTER_LABEL = re.compile(r"(?:^|(?<=[\s,;(]))(?:(?:patient|pt|subject|client)(?:'?s)?\s+)?(?:full\s+)?"
                          r"(?:name|surname|first name|given name|family name|last name|nom|nombre|apellidos?|"
                          r"vorname|nachname|名字|姓名)\s*[:=]\s*[^\s,;.]+", re.I)
_NAME_IS = re.compile(r"\b(?:his|her|their|my|the patient'?s|pt'?s|patient'?s|patient|pt)\s+(?:first\s+|last\s+|"
                      r"full\s+|real\s+|given\s+)?name\s+(?:is|was)\s+(?:uh\s+|um\s+|er\s+)?"
                      r"(['\"“‘][^'\"”’]{2,30}['\"”’]|(?-i:[A-Z])[\w'’-]+|[a-z]+)", re.I)
# An initial and a surname where a name stands alone ("signed 'M. Fitzgerald'"), not a letter that
# ends a sentence ("I pick A. Actually", "happy for C. Fear is").
_HONORIFIC_SUFFIX = re.compile(r"\b[A-Z][a-z]+-(?:san|sama|kun|chan|ssi|nim)\b")
_INITIAL_SURNAME = re.compile(r"(?<![\w.])(?<![A-Za-z] )[A-Z]\.\s?[A-Z][a-z'’]{2,}(?:-[A-Z][a-z]+)?\b")
_RELATION_TITLE = re.compile(r"\b(?:" + p.RELATIONS + r")\b,?\s+(?:" + p.TITLES + r"|" + p.PLAIN_TITLES + r")\.?\s+\w{2,}",
                             re.I)
_NOT_PEOPLE_LABELS = re.compile(r"\b(?:file|channel|montage|band|feature|task|study|device|model|software|"
                                r"electrode|recording|condition|project|variable|site|dataset|column|user)\s*$", re.I)
_RELATION_NAME = re.compile(r"\b(?:" + p.RELATIONS + r"|pt\.)(?!\w)\s*(?:[:,(]|\bis\b|\bnamed\b|\bcalled\b)?\s*"
                            r"(" + _NAME + r")", re.I)
_RELATION_LOWER = re.compile(r"\b(?:" + p.RELATIONS + r")\b\s*(?:[:,]|\bis\b|\bnamed\b|\bcalled\b)?\s*([a-zà-ÿ]+)",
                             re.I)
_CAPITALISED = re.compile(_WORD_NAME + r"|" + _UPPER_NAME)
# Capitalised words that follow a given name without being a surname ("Will Repeat", "Max Power").
_NOT_SURNAMES = frozenset("""
eeg the a an and or of in on at to for with by from is was were be has had did does will would can
could should may might must not no left right frontal central parietal occipital temporal alpha beta
theta delta gamma power band recording session signal quality channel channels electrode electrodes
hz uv repeat review note notes follow up findings impression summary plan limitations reasoning
she he they we i it her his their our my your you this that there here
asymmetry montage reference average patient participant subject study trial run block time min sec
""".split())


_SPELLED_OUT = re.compile(r"\b[A-Za-z]([ .-])(?:[A-Za-z]\1)+[A-Za-z]\b(?![.-]\w)")


# Words that start a sentence after a one-letter answer ("Answer: A. Actually, C."), not surnames.
_SENTENCE_STARTERS = _NOT_SURNAMES | frozenset("""
actually however also then this that these those it its but so yes overall answer because since
happy sad fear anger disgust surprise neutral negative positive high low both either neither
""".split())


def _normalised(text: str) -> str:
    text = visible_text(text)
    # Letters spelled out one by one ("M R N", "A-N-N-A K-O-C-H") are read as the word they spell.
    return _SPELLED_OUT.sub(lambda w: re.sub(r"[ .-]", "", w.group(0)), text)


def _plain(word: str) -> str:
    """Lower case without accents, for looking a name up ("María" is "maria")."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))


def _staff(text: str, start: int, end: int) -> bool:
    """A name whose role or title is beside it or in it ("Frau Dr. Becker"): a clinician or staff
    member, not the patient."""
    before = text[max(0, start - 40):start]
    if _POSSESSIVE_BEFORE.search(before):
        return False
    return bool(_ROLE.search(before.rstrip(" .,:"))) or bool(_ROLE_AFTER.match(text[end:end + 40])) or bool(
        _ROLE_INSIDE.search(text, start, end))


def _eponym(text: str, end: int) -> bool:
    """A name followed by what it names ("Todd's paresis", "Berger's rhythm")."""
    after = re.match(r"(?:'s|’s)?\s+(\w+)(?:\s+(\w+))?", text[end:])
    return bool(after) and any((word or "").lower() in p.EPONYM_NOUNS for word in after.groups())


def _given_name_words(text: str) -> str | None:
    words = list(_CAPITALISED.finditer(text))
    skip = -1
    for i, match in enumerate(words):
        if i <= skip:
            continue
        low = _plain(re.sub(r"['’]s$", "", match.group(0)))
        if "-" in low and any(part in p.GIVEN_NAMES for part in low.split("-")):
            low = next(part for part in low.split("-") if part in p.GIVEN_NAMES)  # "Sven-Erik"
        nxt = words[i + 1] if i + 1 < len(words) and words[i + 1].start() - match.end() == 1 else None
        has_surname = nxt is not None and nxt.group(0).lower() not in _NOT_SURNAMES
        upper = match.group(0).isupper()  # "RAM", "ANA": acronyms unless a surname follows
        given = (low in p.GIVEN_NAMES and (not upper or has_surname and nxt.group(0).isupper())) or (
            low in p.AMBIGUOUS_GIVEN_NAMES and has_surname and not upper)
        if not given or re.search(r"\b(?:st|saint)\.?\s*$", text[max(0, match.start() - 7):match.start()], re.I):
            continue  # "St John's wort"
        end = nxt.end() if has_surname else match.end()
        if _eponym(text, end):
            continue
        if _staff(text, match.start(), end):
            skip = i + 1 if has_surname else i  # "Charge nurse Siobhan Kelly": the surname is staff's too
            continue
        return text[match.start():end]
    return None


# The tool's own pseudonymous recording and report ids ("rec-" + 16 hex digits, "rpt-" + 12), which
# a comment may cite: made from a salted hash, they identify no one.
_OWN_IDS = re.compile(r"\b(?:rec|rpt)-[0-9a-f]{12,16}\b")


def identifier_words(text: str) -> tuple[str, str] | None:
    """(what it is, the words) for the first patient identifier in `text`, or None."""
    text = _OWN_IDS.sub("rec-id", _normalised(text))
    for what, pattern in _PATTERNS:
        found = pattern.search(text)
        if found:
            return what, found.group(0).strip()
    for found in _SURNAME_FIRST.finditer(text):  # "DOE, Jane" as hospital systems print it
        if any(part in p.GIVEN_NAMES or part in p.AMBIGUOUS_GIVEN_NAMES for part in found.group(1).lower().split("-")):
            return "a name", found.group(0).strip()
    for found in _TITLE_NAME.finditer(text):
        if not _staff(text, found.start(), found.end()):
            return "a name", found.group(0).strip()
    for found in _NAME_IS.finditer(text):  # "his name is 'Dwayne'", "patient name is uh kevin"
        name = found.group(1)
        if name[0] in "'\"“‘" or name[0].isupper() or _plain(name) in p.GIVEN_NAMES:
            return "a name", found.group(0).strip()
    for pattern in (_INITIAL_SURNAME, _RELATION_TITLE, _HONORIFIC_SUFFIX):  # "M. Fitzgerald", "Nakamura-san"
        for found in pattern.finditer(text):
            last = _plain(found.group(0).split()[-1].split(".")[-1])
            if last not in _SENTENCE_STARTERS and not _staff(text, found.start(), found.end()):
                return "a name", found.group(0).strip()
    for found in _AFTER_LABEL.finditer(text):
        if not _NOT_PEOPLE_LABELS.search(text[:found.start()]):
            return "a name", found.group(0).strip()
    for found in _RELATION_NAME.finditer(text):
        name = found.group(1)
        if name.isupper() and _plain(name) not in p.GIVEN_NAMES:
            continue  # "MY SON SCHIZOPHRENIC": in capitals only a known given name reads as a name
        if name.lower() not in _NOT_SURNAMES and not _staff(text, found.start(1), found.end(1)):
            return "a name", found.group(0).strip()
    for found in _RELATION_LOWER.finditer(text):  # "pt agnieszka kowalczyk", "patient is rahul verma"
        if _plain(found.group(1)) in p.GIVEN_NAMES:
            return "a name", found.group(0).strip()
    name = _given_name_words(text)
    return ("a name", name) if name else None


def check_no_identifiers(text: str) -> None:
    """Refuse text that would put a patient identifier into a de-identified note."""
    found = identifier_words(text)
    if found:
        what, words = found
        raise ReportError(f"This note is de-identified, and the text carries what looks like {what} "
                          f"({words!r}); remove it, or draft a note with identifiers if the record needs them.")
