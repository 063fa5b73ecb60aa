"""The layout packs shipped with openkyc.

Zones were drawn for the project's own SPECIMEN designs (`render.py`), which follow the public
descriptions of each document (field order, labels, languages) without copying any artwork.
Label keywords are what the reader looks for on real cards, so they list every spelling seen
on the real document (French/English pairs, with and without accents).
"""

from __future__ import annotations

from openkyc.vision.document.layouts.model import FieldZone, Layout, TextBlock

F = FieldZone
T = TextBlock

GENERIC_PASSPORT = Layout(
    name="passport",
    title="Passport data page (ICAO 9303 TD3, any state)",
    page_format="ID3",
    doc_type="passport",
    country="UTO",
    headers=(
        T("UTOPIA", (0.05, 0.03, 0.45, 0.09)),
        T("PASSPORT / PASSEPORT", (0.50, 0.03, 0.95, 0.09)),
    ),
    photo=(0.04, 0.15, 0.30, 0.72),
    fields=(
        F("document_type", (0.33, 0.16, 0.45, 0.21), ("Type",), "code"),
        F("issuing_country", (0.48, 0.16, 0.62, 0.21), ("Code",), "country"),
        F("document_number", (0.66, 0.16, 0.95, 0.21), ("Passport No.", "Passeport N°"), "number"),
        F("surname", (0.33, 0.27, 0.95, 0.32), ("Surname", "Nom"), "name"),
        F("given_names", (0.33, 0.38, 0.95, 0.43), ("Given names", "Prénoms"), "name"),
        F("nationality", (0.33, 0.49, 0.62, 0.54), ("Nationality", "Nationalité"), "country"),
        F("sex", (0.66, 0.49, 0.76, 0.54), ("Sex", "Sexe"), "sex"),
        F("birth_date", (0.33, 0.60, 0.62, 0.65), ("Date of birth", "Date de naissance"), "date"),
        F("birth_place", (0.66, 0.60, 0.97, 0.65), ("Place of birth", "Lieu de naissance")),
        F("issue_date", (0.33, 0.71, 0.62, 0.76), ("Date of issue", "Date de délivrance"), "date"),
        F("expiry_date", (0.66, 0.71, 0.97, 0.76), ("Date of expiry", "Date d'expiration"), "date"),
    ),
    mrz="td3",
    mrz_box=(0.03, 0.80, 0.97, 0.97),
    sample={
        "document_type": "P",
        "issuing_country": "UTO",
        "document_number": "L898902C3",
        "surname": "BÉRANGER",
        "given_names": "Zoé Anaïs",
        "nationality": "UTOPIAN",
        "birth_date": "12 08 1974",
        "sex": "F",
        "birth_place": "ZENITH",
        "issue_date": "16 04 2022",
        "expiry_date": "15 04 2032",
    },
)

CIV_CNI = Layout(
    name="civ_cni",
    title="Côte d'Ivoire national identity card (CNI, ID-1)",
    page_format="ID1",
    doc_type="id_card",
    country="CIV",
    headers=(
        T("RÉPUBLIQUE DE CÔTE D'IVOIRE", (0.05, 0.03, 0.95, 0.11)),
        T("CARTE NATIONALE D'IDENTITÉ", (0.15, 0.12, 0.85, 0.19)),
    ),
    photo=(0.04, 0.26, 0.30, 0.84),
    fields=(
        F("surname", (0.34, 0.29, 0.96, 0.36), ("NOM",), "name"),
        F("given_names", (0.34, 0.44, 0.96, 0.51), ("PRÉNOMS", "PRENOMS"), "name"),
        F("birth_date", (0.34, 0.59, 0.62, 0.66), ("DATE DE NAISSANCE",), "date"),
        F("sex", (0.66, 0.59, 0.78, 0.66), ("SEXE",), "sex"),
        F("birth_place", (0.34, 0.74, 0.96, 0.81), ("LIEU DE NAISSANCE",)),
        F("document_number", (0.34, 0.89, 0.62, 0.96), ("N° DE LA CARTE", "N°"), "number"),
        F("expiry_date", (0.66, 0.89, 0.96, 0.96), ("DATE D'EXPIRATION",), "date"),
    ),
    sample={
        "surname": "KOUASSI",
        "given_names": "Aïcha Adjoua Hélène",
        "birth_date": "12/03/1991",
        "sex": "F",
        "birth_place": "Bouaké",
        "document_number": "CI005881234",
        "expiry_date": "27/08/2030",
    },
)

BEN_CNI = Layout(
    name="ben_cni",
    title="Benin national identity card (CNI / carte d'identité biométrique, ID-1)",
    page_format="ID1",
    doc_type="id_card",
    country="BEN",
    headers=(
        T("RÉPUBLIQUE DU BÉNIN", (0.10, 0.03, 0.90, 0.11)),
        T("CARTE NATIONALE D'IDENTITÉ", (0.15, 0.12, 0.85, 0.19)),
    ),
    photo=(0.04, 0.26, 0.30, 0.84),
    fields=(
        F("surname", (0.34, 0.29, 0.96, 0.36), ("NOM",), "name"),
        F("given_names", (0.34, 0.44, 0.96, 0.51), ("PRÉNOMS", "PRENOMS"), "name"),
        F("birth_date", (0.34, 0.59, 0.62, 0.66), ("NÉ(E) LE", "DATE DE NAISSANCE"), "date"),
        F("birth_place", (0.66, 0.59, 0.96, 0.66), ("À", "LIEU DE NAISSANCE")),
        F("sex", (0.34, 0.74, 0.50, 0.81), ("SEXE",), "sex"),
        F("expiry_date", (0.60, 0.74, 0.96, 0.81), ("EXPIRE LE", "DATE D'EXPIRATION"), "date"),
        F("document_number", (0.34, 0.89, 0.80, 0.96), ("NPI",), "number"),
    ),
    sample={
        "surname": "HOUNKPATIN",
        "given_names": "Sèna Rodrigue",
        "birth_date": "05/11/1988",
        "birth_place": "Abomey-Calavi",
        "sex": "M",
        "expiry_date": "04/11/2031",
        "document_number": "1029384756",
    },
)

PAK_CNIC = Layout(
    name="pak_cnic",
    title="Pakistan computerised national identity card (CNIC / smart NIC, ID-1)",
    page_format="ID1",
    doc_type="id_card",
    country="PAK",
    headers=(
        T("ISLAMIC REPUBLIC OF PAKISTAN", (0.05, 0.03, 0.70, 0.10)),
        T("NATIONAL IDENTITY CARD", (0.05, 0.11, 0.60, 0.18)),
        T("پاکستان", (0.80, 0.03, 0.97, 0.12), bold=False),
    ),
    photo=(0.70, 0.24, 0.96, 0.80),
    fields=(
        F("full_name", (0.04, 0.27, 0.66, 0.34), ("Name",), "name"),
        F("father_name", (0.04, 0.42, 0.66, 0.49), ("Father Name", "Husband Name"), "name"),
        F("sex", (0.04, 0.57, 0.20, 0.64), ("Gender",), "sex"),
        F("country_of_stay", (0.26, 0.57, 0.66, 0.64), ("Country of Stay",), "country"),
        F("document_number", (0.04, 0.72, 0.40, 0.79), ("Identity Number",), "number"),
        F("birth_date", (0.44, 0.72, 0.66, 0.79), ("Date of Birth",), "date"),
        F("issue_date", (0.04, 0.87, 0.30, 0.94), ("Date of Issue",), "date"),
        F("expiry_date", (0.36, 0.87, 0.66, 0.94), ("Date of Expiry",), "date"),
    ),
    languages=("eng",),
    sample={
        "full_name": "Muhammad Ali Khan",
        "father_name": "Abdul Rehman Khan",
        "sex": "M",
        "country_of_stay": "Pakistan",
        "document_number": "35202-1234567-9",
        "birth_date": "14.08.1990",
        "issue_date": "01.02.2020",
        "expiry_date": "01.02.2030",
    },
)

FRA_CNI_2021 = Layout(
    name="fra_cni_2021",
    title="French national identity card, 2021 ID-1 model (front)",
    page_format="ID1",
    doc_type="id_card",
    country="FRA",
    headers=(
        T("RÉPUBLIQUE FRANÇAISE", (0.05, 0.03, 0.60, 0.10)),
        T("CARTE NATIONALE D'IDENTITÉ / IDENTITY CARD", (0.05, 0.11, 0.80, 0.17)),
    ),
    photo=(0.04, 0.24, 0.30, 0.84),
    fields=(
        F("surname", (0.34, 0.27, 0.96, 0.34), ("NOM", "Surname"), "name"),
        F("given_names", (0.34, 0.42, 0.96, 0.49), ("Prénoms", "Given names"), "name"),
        F("sex", (0.34, 0.57, 0.44, 0.64), ("SEXE", "Sex"), "sex"),
        F("nationality", (0.48, 0.57, 0.64, 0.64), ("NATIONALITÉ", "Nationality"), "country"),
        F("birth_date", (0.68, 0.57, 0.96, 0.64), ("DATE DE NAISS.", "Date of birth"), "date"),
        F("birth_place", (0.34, 0.72, 0.96, 0.79), ("LIEU DE NAISSANCE", "Place of birth")),
        F("document_number", (0.34, 0.87, 0.62, 0.94), ("N° DU DOCUMENT", "Document No"), "number"),
        F("expiry_date", (0.68, 0.87, 0.96, 0.94), ("DATE D'EXPIR.", "Expiry date"), "date"),
    ),
    sample={
        "surname": "MARTIN",
        "given_names": "Maëlis-Gaëlle, Marie",
        "sex": "F",
        "nationality": "FRA",
        "birth_date": "13 07 1990",
        "birth_place": "PARIS",
        "document_number": "D2H6862M2",
        "expiry_date": "11 02 2030",
    },
)

FRA_CNI_1988 = Layout(
    name="fra_cni_1988",
    title="French national identity card, 1988-2021 laminated model (front, 2x36 MRZ)",
    page_format="ID2",
    doc_type="id_card",
    country="FRA",
    headers=(
        T("RÉPUBLIQUE FRANÇAISE", (0.05, 0.03, 0.55, 0.10)),
        T("CARTE NATIONALE D'IDENTITÉ", (0.30, 0.12, 0.68, 0.18)),
    ),
    photo=(0.04, 0.12, 0.27, 0.70),
    fields=(
        F("document_number", (0.70, 0.12, 0.97, 0.18), ("N° :",), "number", True),
        F("nationality", (0.30, 0.21, 0.97, 0.27), ("Nationalité :",), "country", True),
        F("surname", (0.30, 0.29, 0.97, 0.35), ("Nom :",), "name", True),
        F("given_names", (0.30, 0.37, 0.97, 0.43), ("Prénom(s) :",), "name", True),
        F("sex", (0.30, 0.45, 0.55, 0.51), ("Sexe :",), "sex", True),
        F("birth_date", (0.30, 0.53, 0.97, 0.59), ("Né(e) le :",), "date", True),
        F("birth_place", (0.30, 0.61, 0.97, 0.67), ("à :",), "text", True),
    ),
    mrz="fra_old",
    mrz_box=(0.03, 0.76, 0.97, 0.95),
    sample={
        "nationality": "Française",
        "surname": "BERTHIER",
        "given_names": "Hélène Corinne",
        "sex": "F",
        "birth_date": "06.12.1965",
        "birth_place": "PARIS 1ER (75)",
        "document_number": "880692310285",
    },
)

LAYOUTS: dict[str, Layout] = {
    pack.name: pack
    for pack in (GENERIC_PASSPORT, CIV_CNI, BEN_CNI, PAK_CNIC, FRA_CNI_2021, FRA_CNI_1988)
}
"""Every shipped pack, by name."""
