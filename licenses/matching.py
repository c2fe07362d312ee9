"""Recognising a licence as sources state it: an id, a title or a URL (issue 16).

Real catalogues name licences in many ways: CKAN ids (``cc-by``, ``cc-nc``, ``uk-ogl``),
HDX ids (``cc-by-igo``, ``hdx-odc-odbl``), titles ("Creative Commons Non-Commercial (Any)"),
Creative Commons URLs with or without ``/legalcode`` or ``/deed.vi``, EU authority URIs
(``…/authority/licence/CC_BYNCND_3_0``) and GovData's ``dcat-ap.de/def/licenses/cc-zero``.
:func:`find_license` maps each to exactly one registry licence or to None. It never guesses
toward "open": a URL it cannot place exactly is unknown, and the caller holds the record.
"""

from __future__ import annotations

import re
import unicodedata

from licenses import License, get_license, registry

# Ids and titles other catalogues use, lower case -> our registry id. CKAN's unversioned
# ``cc-by``/``cc-by-sa``/``uk-ogl`` are mapped to the current version: every version is
# open with the same conditions, so the record's openness does not depend on the guess.
ALIASES: dict[str, str] = {
    # CKAN's default licence list (ckan/model/license.py)
    "cc-by": "CC-BY-4.0", "cc-by-sa": "CC-BY-SA-4.0", "cc-zero": "CC0-1.0", "cc0": "CC0-1.0",
    "cc-nc": "CC-BY-NC-2.0", "gfdl": "GFDL-1.3", "notspecified": "not-specified",
    "odc-by": "ODC-BY-1.0", "odc-odbl": "ODbL-1.0", "odbl": "ODbL-1.0",
    "odc-pddl": "ODC-PDDL-1.0", "other-at": "other-at", "other-closed": "other-closed",
    "other-nc": "other-nc", "other-open": "other-open", "other-pd": "other-pd",
    "uk-ogl": "OGL-UK-3.0", "ogl": "OGL-UK-3.0", "ogl-uk": "OGL-UK-3.0",
    "cc-by-4.0": "CC-BY-4.0",
    # Unversioned non-open CC ids: every version is equally not open.
    "cc-by-nc": "CC-BY-NC-4.0", "cc-by-nd": "CC-BY-ND-4.0", "cc-by-nc-sa": "CC-BY-NC-SA-4.0",
    "cc-by-nc-nd": "CC-BY-NC-ND-4.0",
    # What Vietnamese agencies write for the statutory open-data terms in their own sidecars
    "du-lieu-mo": "vn-open-data-terms", "dữ liệu mở": "vn-open-data-terms",
    "điều khoản dữ liệu mở": "vn-open-data-terms",
    "điều khoản dữ liệu mở theo luật định": "vn-open-data-terms",
    # HDX (data.humdata.org)
    "pddl": "ODC-PDDL-1.0",  # the ODC PDDL has one version
    "cc-by-igo": "CC-BY-3.0-IGO", "cc-by-sa-igo": "CC-BY-SA-3.0-IGO",
    "hdx-odc-by": "ODC-BY-1.0", "hdx-odc-odbl": "ODbL-1.0", "hdx-pddl": "ODC-PDDL-1.0",
    "other-pd-nr": "other-pd",
    # CKAN's titles for the same ids
    "creative commons attribution": "CC-BY-4.0",
    "creative commons attribution share-alike": "CC-BY-SA-4.0",
    "creative commons cczero": "CC0-1.0",
    "creative commons non-commercial (any)": "CC-BY-NC-2.0",
    "gnu free documentation license": "GFDL-1.3",
    "license not specified": "not-specified",
    "open data commons attribution license": "ODC-BY-1.0",
    "open data commons open database license (odbl)": "ODbL-1.0",
    "open data commons public domain dedication and license (pddl)": "ODC-PDDL-1.0",
    "other (attribution)": "other-at", "other (non-commercial)": "other-nc",
    "other (not open)": "other-closed", "other (open)": "other-open",
    "other (public domain)": "other-pd", "uk open government licence (ogl)": "OGL-UK-3.0",
    "creative commons attribution for intergovernmental organisations": "CC-BY-3.0-IGO",
    "public domain / no restrictions": "other-pd",
    # GovData (dcat-ap.de/def/licenses/…)
    "dl-by-de/2.0": "dl-de-by-2.0", "dl-zero-de/2.0": "dl-de-zero-2.0",
    "dl-de-by-2.0": "dl-de-by-2.0", "dl-de-zero-2.0": "dl-de-zero-2.0",
    "officialworkspublicdomain": "other-pd",
    # EU authority table (publications.europa.eu/resource/authority/licence/…)
    "odc_by": "ODC-BY-1.0", "odc_odbl": "ODbL-1.0", "odc_pddl": "ODC-PDDL-1.0",
    "ogl_3_0": "OGL-UK-3.0", "dl_de_by_2_0": "dl-de-by-2.0", "dl_de_zero_2_0": "dl-de-zero-2.0",
    "com_reuse": "EU-COM-REUSE",
    # Canada (open.canada.ca)
    "ca-ogl-lgo": "OGL-Canada-2.0",
    "open government licence - canada": "OGL-Canada-2.0",
}
# Creative Commons licence URLs: creativecommons.org/licenses/by-nc/3.0/igo/legalcode.vi.
# A jurisdiction port (…/by/3.0/au/) is its own legal text, not the unported licence: it
# matches nothing here, so the record keeps what it stated and waits for review.
CC_URL = re.compile(r"^creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d\.\d)"
                    r"(/igo)?(?:/legalcode(?:\.[a-z-]+)?|/deed\.[a-z-]+)?/?$")
CC0_URL = re.compile(r"^creativecommons\.org/publicdomain/zero/1\.0(?:/legalcode(?:\.[a-z-]+)?"
                     r"|/deed\.[a-z-]+)?/?$")
# EU authority codes: CC_BY_4_0, CC_BYSA_3_0, CC_BYNCND_3_0, CC_BY_3_0_IGO
EU_CC = re.compile(r"^cc_by(nc)?(sa|nd)?_(\d)_(\d)(_igo)?$")
# dcat-ap.de: cc-by/4.0, cc-by-nc-4.0, cc-by-sa/4.0
DE_CC = re.compile(r"^cc-(by(?:-nc)?(?:-sa|-nd)?)[-/](\d\.\d)$")
EU_LICENCE_PREFIX = "publications.europa.eu/resource/authority/licence/"
DE_LICENCE_PREFIX = "dcat-ap.de/def/licenses/"
# Other licence URLs seen in real catalogues, after normalising.
URL_ALIASES: dict[str, str] = {
    "opendefinition.org/licenses/cc-by": "CC-BY-4.0",
    "opendefinition.org/licenses/cc-by-sa": "CC-BY-SA-4.0",
    "opendefinition.org/licenses/cc-zero": "CC0-1.0",
    "opendefinition.org/licenses/odc-by": "ODC-BY-1.0",
    "opendefinition.org/licenses/odc-odbl": "ODbL-1.0",
    "opendefinition.org/licenses/odc-pddl": "ODC-PDDL-1.0",
    "opendefinition.org/licenses/gfdl": "GFDL-1.3",
    "opendatacommons.org/licenses/odbl": "ODbL-1.0",
    "opendatacommons.org/licenses/odbl/1.0": "ODbL-1.0",
    "opendatacommons.org/licenses/by": "ODC-BY-1.0",
    "opendatacommons.org/licenses/by/1.0": "ODC-BY-1.0",
    "opendatacommons.org/licenses/pddl": "ODC-PDDL-1.0",
    "opendatacommons.org/licenses/pddl/1.0": "ODC-PDDL-1.0",
    "reference.data.gov.uk/id/open-government-licence": "OGL-UK-3.0",
    "nationalarchives.gov.uk/doc/open-government-licence": "OGL-UK-3.0",
    "nationalarchives.gov.uk/doc/open-government-licence/version/3": "OGL-UK-3.0",
    "nationalarchives.gov.uk/doc/open-government-licence/version/2": "OGL-UK-2.0",
    "nationalarchives.gov.uk/doc/open-government-licence/version/1": "OGL-UK-1.0",
    "usa.gov/publicdomain/label/1.0": "us-pd",
    "usa.gov/government-works": "us-pd",
    "creativecommons.org/publicdomain/mark/1.0": "other-pd",
    "open.canada.ca/en/open-government-licence-canada": "OGL-Canada-2.0",
    "govdata.de/dl-de/by-2-0": "dl-de-by-2.0",
    "govdata.de/dl-de/zero-2-0": "dl-de-zero-2.0",
    "gnu.org/licenses/fdl-1.3.html": "GFDL-1.3",
    "gnu.org/copyleft/fdl.html": "GFDL-1.3",
}


def normal_url(url: str) -> str:
    """A URL without scheme, ``www.``, query, fragment, trailing slash and letter case."""
    text = url.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.removeprefix("www.")
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    return text.rstrip("/")


def _cc_id(kind: str, version: str, igo: bool) -> str:
    return f"CC-{kind.upper()}-{version}{'-IGO' if igo else ''}"


def _from_url(url: str) -> str:
    """The registry id for a licence URL, or ""."""
    wanted = normal_url(url)
    match = CC_URL.match(wanted)
    if match:
        return _cc_id(match.group(1), match.group(2), bool(match.group(3)))
    if CC0_URL.match(wanted):
        return "CC0-1.0"
    if wanted.startswith(EU_LICENCE_PREFIX):
        code = wanted.removeprefix(EU_LICENCE_PREFIX)
        eu = EU_CC.match(code)
        if eu:
            kind = "by" + ("-nc" if eu.group(1) else "") + (f"-{eu.group(2)}" if eu.group(2)
                                                             else "")
            return _cc_id(kind, f"{eu.group(3)}.{eu.group(4)}", bool(eu.group(5)))
        return ALIASES.get(code, "")
    if wanted.startswith(DE_LICENCE_PREFIX):
        code = wanted.removeprefix(DE_LICENCE_PREFIX)
        de = DE_CC.match(code)
        if de:
            return _cc_id(de.group(1), de.group(2), False)
        return ALIASES.get(code, "")
    if wanted in URL_ALIASES:
        return URL_ALIASES[wanted]
    return next((lic.id for lic in registry().values()
                 if lic.url and normal_url(lic.url) == wanted), "")


# Creative Commons named in a title with its version: "CC BY-NC 4.0", "CC-BY-SA 3.0 IGO",
# "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International".
CC_SHORT = re.compile(r"^(?:.*\()?cc[ -]by((?:[ -]nc)?(?:[ -]sa|[ -]nd)?)[ -]?(\d\.\d)"
                      r"( igo)?(?: international| unported| generic)?\)?$")
CC_LONG = re.compile(r"^creative commons attribution((?:[ -]noncommercial)?(?:[ -]sharealike|"
                     r"[ -]share-alike|[ -]noderivatives|[ -]noderivs)?)[ ,]*(\d\.\d)"
                     r"( igo)?(?: international| unported| generic)?(?: license| licence)?"
                     r"(?: \(cc[ -][a-z -]+\d\.\d(?: igo)?\))?$")
CC_WORDS = {"noncommercial": "nc", "sharealike": "sa", "share-alike": "sa", "noderivatives": "nd",
            "noderivs": "nd", "nc": "nc", "sa": "sa", "nd": "nd"}


def _cc_title(wanted: str) -> str:
    """The CC licence a title names with its version, or ""."""
    match = CC_SHORT.match(wanted) or CC_LONG.match(wanted)
    if not match:
        return ""
    parts = [CC_WORDS[w] for w in re.split(r"[ -]+", match.group(1).strip(" -")) if w]
    kind = "-".join(["by", *parts])
    return _cc_id(kind, match.group(2), bool(match.group(3)))


def _from_title(title: str) -> str:
    wanted = re.sub(r"\s+", " ", title.strip().lower())
    if wanted in ALIASES:
        return ALIASES[wanted]
    if re.fullmatch(r"(creative commons )?(cc0|cc zero|cczero)( 1\.0)?( universal)?"
                    r"( \(cc0 1\.0\))?( public domain dedication)?", wanted):
        return "CC0-1.0"
    return _cc_title(wanted) or next((lic.id for lic in registry().values()
                                      if wanted in (lic.title.lower(), lic.title_en.lower())),
                                     "")


def find_license(value: str) -> License | None:
    """The registry licence an id, alias, title or URL names exactly; None when unknown."""
    # NFC: Vietnamese text from Windows-1258 sources arrives with decomposed tone marks.
    value = unicodedata.normalize("NFC", value.strip())
    if not value:
        return None
    found = get_license(value)
    if found is not None:
        return found
    if re.match(r"^[a-z]+://", value, re.IGNORECASE) or value.lower().startswith("www."):
        return get_license(_from_url(value) or "-")
    return get_license(ALIASES.get(value.lower(), "") or _from_title(value) or "-")
