"""Countries and the world regions salary bands fall back to. No Django here.

A band for a country with too few survey responses falls back to the country's region, so
every ISO 3166-1 alpha-2 code belongs to exactly one region. The regions are coarse on purpose:
they group labour markets with broadly similar pay, and each needs enough responses to be useful.
"""

from __future__ import annotations

import difflib
import unicodedata

REGIONS = {
    "north_america": "North America",
    "latin_america": "Latin America and the Caribbean",
    "europe": "Europe",
    "middle_east_africa": "Middle East and Africa",
    "asia_pacific": "Asia-Pacific",
}

# region -> "CODE Name; CODE Name; ..." (ISO 3166-1 alpha-2, short English names).
_TABLE = {
    "north_america": "US United States; CA Canada; BM Bermuda; GL Greenland; PM Saint Pierre "
    "and Miquelon",
    "latin_america": "AG Antigua and Barbuda; AI Anguilla; AR Argentina; AW Aruba; BB Barbados; "
    "BL Saint Barthélemy; BO Bolivia; BQ Caribbean Netherlands; BR Brazil; BS Bahamas; "
    "BZ Belize; CL Chile; CO Colombia; CR Costa Rica; CU Cuba; CW Curaçao; DM Dominica; "
    "DO Dominican Republic; EC Ecuador; FK Falkland Islands; GD Grenada; GF French Guiana; "
    "GP Guadeloupe; GT Guatemala; GY Guyana; HN Honduras; HT Haiti; JM Jamaica; "
    "KN Saint Kitts and Nevis; KY Cayman Islands; LC Saint Lucia; MF Saint Martin; "
    "MQ Martinique; MS Montserrat; MX Mexico; NI Nicaragua; PA Panama; PE Peru; "
    "PR Puerto Rico; PY Paraguay; SR Suriname; SV El Salvador; SX Sint Maarten; "
    "TC Turks and Caicos Islands; TT Trinidad and Tobago; UY Uruguay; "
    "VC Saint Vincent and the Grenadines; VE Venezuela; VG British Virgin Islands; "
    "VI U.S. Virgin Islands",
    "europe": "AD Andorra; AL Albania; AT Austria; AX Åland Islands; BA Bosnia and Herzegovina; "
    "BE Belgium; BG Bulgaria; BY Belarus; CH Switzerland; CY Cyprus; CZ Czechia; DE Germany; "
    "DK Denmark; EE Estonia; ES Spain; FI Finland; FO Faroe Islands; FR France; "
    "GB United Kingdom; GG Guernsey; GI Gibraltar; GR Greece; HR Croatia; HU Hungary; "
    "IE Ireland; IM Isle of Man; IS Iceland; IT Italy; JE Jersey; LI Liechtenstein; "
    "LT Lithuania; LU Luxembourg; LV Latvia; MC Monaco; MD Moldova; ME Montenegro; "
    "MK North Macedonia; MT Malta; NL Netherlands; NO Norway; PL Poland; PT Portugal; "
    "RO Romania; RS Serbia; RU Russia; SE Sweden; SI Slovenia; SJ Svalbard and Jan Mayen; "
    "SK Slovakia; SM San Marino; UA Ukraine; VA Vatican City; XK Kosovo",
    "middle_east_africa": "AE United Arab Emirates; AM Armenia; AO Angola; AZ Azerbaijan; "
    "BF Burkina Faso; BH Bahrain; BI Burundi; BJ Benin; BW Botswana; CD DR Congo; "
    "CF Central African Republic; CG Congo; CI Côte d'Ivoire; CM Cameroon; CV Cabo Verde; "
    "DJ Djibouti; DZ Algeria; EG Egypt; EH Western Sahara; ER Eritrea; ET Ethiopia; GA Gabon; "
    "GE Georgia; GH Ghana; GM Gambia; GN Guinea; GQ Equatorial Guinea; GW Guinea-Bissau; "
    "IL Israel; IQ Iraq; IR Iran; JO Jordan; KE Kenya; KM Comoros; KW Kuwait; LB Lebanon; "
    "LR Liberia; LS Lesotho; LY Libya; MA Morocco; MG Madagascar; ML Mali; MR Mauritania; "
    "MU Mauritius; MW Malawi; MZ Mozambique; NA Namibia; NE Niger; NG Nigeria; OM Oman; "
    "PS Palestine; QA Qatar; RE Réunion; RW Rwanda; SA Saudi Arabia; SC Seychelles; SD Sudan; "
    "SH Saint Helena; SL Sierra Leone; SN Senegal; SO Somalia; SS South Sudan; "
    "ST São Tomé and Príncipe; SY Syria; SZ Eswatini; TD Chad; TG Togo; TN Tunisia; "
    "TR Turkey; TZ Tanzania; UG Uganda; YE Yemen; YT Mayotte; ZA South Africa; ZM Zambia; "
    "ZW Zimbabwe",
    "asia_pacific": "AF Afghanistan; AS American Samoa; AU Australia; BD Bangladesh; "
    "BN Brunei; BT Bhutan; CC Cocos Islands; CK Cook Islands; CN China; CX Christmas Island; "
    "FJ Fiji; FM Micronesia; GU Guam; HK Hong Kong; ID Indonesia; IN India; IO British "
    "Indian Ocean Territory; JP Japan; KG Kyrgyzstan; KH Cambodia; KI Kiribati; KP North Korea; "
    "KR South Korea; KZ Kazakhstan; LA Laos; LK Sri Lanka; MH Marshall Islands; MM Myanmar; "
    "MN Mongolia; MO Macao; MP Northern Mariana Islands; MV Maldives; MY Malaysia; "
    "NC New Caledonia; NF Norfolk Island; NP Nepal; NR Nauru; NU Niue; NZ New Zealand; "
    "PF French Polynesia; PG Papua New Guinea; PH Philippines; PK Pakistan; PN Pitcairn; "
    "PW Palau; SB Solomon Islands; SG Singapore; TH Thailand; TJ Tajikistan; TK Tokelau; "
    "TL Timor-Leste; TM Turkmenistan; TO Tonga; TV Tuvalu; TW Taiwan; UM U.S. Minor Outlying "
    "Islands; UZ Uzbekistan; VN Vietnam; VU Vanuatu; WF Wallis and Futuna; WS Samoa",
}

COUNTRY_NAMES: dict[str, str] = {}
COUNTRY_REGION: dict[str, str] = {}
for _region, _entries in _TABLE.items():
    for _entry in _entries.split("; "):
        _code, _name = _entry.split(" ", 1)
        COUNTRY_NAMES[_code] = _name
        COUNTRY_REGION[_code] = _region

# Names that read wrongly without an article in "in ..." phrases.
_WITH_ARTICLE = {
    "US": "the US",
    "GB": "the UK",
    "AE": "the UAE",
    "NL": "the Netherlands",
    "PH": "the Philippines",
    "CD": "the DR Congo",
    "CF": "the Central African Republic",
    "DO": "the Dominican Republic",
    "CZ": "Czechia",
    "BS": "the Bahamas",
    "GM": "the Gambia",
    "MV": "the Maldives",
    "KY": "the Cayman Islands",
}


def region_of(country: str) -> str | None:
    return COUNTRY_REGION.get(country)


def country_phrase(country: str) -> str:
    """How the country reads after "in": "the US", "Germany"."""
    return _WITH_ARTICLE.get(country) or COUNTRY_NAMES.get(country, country)


def region_phrase(region: str) -> str:
    """How the region reads after "in": "Europe", "the Middle East and Africa"."""
    name = REGIONS.get(region, region)
    return f"the {name}" if region == "middle_east_africa" else name


# What people type for a country besides its code and its name above.
_OTHER_NAMES = {
    "UK": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB",
    "Wales": "GB", "Northern Ireland": "GB", "USA": "US", "U.S.": "US", "U.S.A.": "US",
    "America": "US", "United States of America": "US", "Deutschland": "DE", "Holland": "NL",
    "The Netherlands": "NL", "Czech Republic": "CZ", "Korea": "KR", "Republic of Korea": "KR",
    "UAE": "AE", "Türkiye": "TR", "Turkiye": "TR", "Ivory Coast": "CI", "Burma": "MM",
    "Swaziland": "SZ", "Cape Verde": "CV", "Macau": "MO", "East Timor": "TL",
    "Russian Federation": "RU", "Viet Nam": "VN", "Hong Kong SAR": "HK",
}  # fmt: skip


def _fold(text: str) -> str:
    """Case, accents and spacing folded: "  côte d'IVOIRE" and "Cote d'Ivoire" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


_BY_FOLDED_NAME = {_fold(name): code for code, name in COUNTRY_NAMES.items()} | {
    _fold(name): code for name, code in _OTHER_NAMES.items()
}


def country_from_text(text: str) -> str | None:
    """The ISO code of the country `text` names: a code ("de"), a name ("Germany") or a common
    other name ("UK"), in any case; None when it names none."""
    text = text.strip()
    if len(text) == 2 and text.upper() in COUNTRY_NAMES:
        return text.upper()
    return _BY_FOLDED_NAME.get(_fold(text))


def country_suggestion(text: str) -> str | None:
    """The code of the country whose name is spelled nearly like `text` ("Germnay": DE)."""
    found = difflib.get_close_matches(_fold(text), _BY_FOLDED_NAME, n=1, cutoff=0.75)
    return _BY_FOLDED_NAME[found[0]] if found else None
