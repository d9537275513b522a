"""Fake, generated names for the synthetic catalog (:mod:`museumkg.synth.generate`), in en, ru and
kk.

Names are built from syllables that each carry their Latin, Russian-Cyrillic and
Kazakh-Cyrillic spelling, so one generated stem gives ``Kultobe`` / ``Култобе`` / ``Құлтөбе``:
the three labels of an entity transliterate into each other the way real Central Asian names
do, which is what the search index must cope with. Stems are random syllable chains, not real
names; institution, program and topic names wrap them in templates per kind and language.

Only countries are real (they need real ISO 3166 codes); every city, institution, person,
program and topic name is generated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: Syllables: (Latin, Russian Cyrillic, Kazakh Cyrillic).
SYLLABLES: tuple[tuple[str, str, str], ...] = (
    ("ak", "ак", "ақ"), ("kul", "кул", "құл"), ("tobe", "тобе", "төбе"), ("sar", "сар", "сар"),
    ("zhar", "жар", "жар"), ("kar", "кар", "қар"), ("bu", "бу", "бұ"), ("lak", "лак", "лақ"),
    ("ta", "та", "та"), ("u", "у", "у"), ("oz", "оз", "өз"), ("en", "ен", "ен"),
    ("mir", "мир", "мір"), ("bek", "бек", "бек"), ("shy", "шы", "шы"), ("nar", "нар", "нар"),
    ("dala", "дала", "дала"), ("tal", "тал", "тал"), ("gan", "ган", "ған"), ("sy", "сы", "сы"),
    ("ai", "ай", "ай"), ("mo", "мо", "мо"), ("ryn", "рын", "рын"), ("zhol", "жол", "жол"),
    ("ke", "ке", "ке"), ("sai", "сай", "сай"), ("ty", "ты", "ты"), ("bu", "бу", "бү"),
    ("lan", "лан", "лан"), ("ku", "ку", "кү"), ("ren", "рен", "рен"), ("is", "ис", "іс"),
    ("yk", "ык", "ық"), ("em", "ем", "ем"), ("ba", "ба", "ба"), ("zy", "зы", "зы"),
    ("ol", "ол", "ол"), ("tau", "тау", "тау"), ("ash", "аш", "аш"), ("kyn", "кын", "қын"),
)  # fmt: skip

#: Endings of family names: (Latin, Cyrillic) for men and for women.
FAMILY_ENDINGS = {"m": ("ov", "ов"), "f": ("ova", "ова")}
GIVEN_ENDINGS = {"m": (("bek", "бек"), ("zhan", "жан"), ("at", "ат")), "f": (("gul", "гүл"),)}


@dataclass(frozen=True)
class Name:
    """One generated name in the three languages, plus a slug made from the Latin form."""

    en: str
    ru: str
    kk: str

    @property
    def slug(self) -> str:
        """Lower-case Latin letters only (usable inside a slug)."""
        return "".join(ch for ch in self.en.lower() if "a" <= ch <= "z")


def stem(rng: random.Random, syllables: int | None = None) -> Name:
    """A random capitalised stem of 2–3 syllables.

    >>> stem(random.Random(1)).en.isalpha()
    True
    """
    count = syllables or rng.choice((2, 2, 3))
    parts = [SYLLABLES[rng.randrange(len(SYLLABLES))] for _ in range(count)]
    en, ru, kk = ("".join(p[i] for p in parts) for i in range(3))
    return Name(en.capitalize(), ru.capitalize(), kk.capitalize())


def _ru_kk(name: str) -> str:
    """A Russian name with its ``ү`` (used in given names) kept for Kazakh only."""
    return name.replace("гүл", "гуль")


def person_name(rng: random.Random) -> tuple[Name, Name, Name, str]:
    """A person: (full name, given name, family name, gender ``m``/``f``)."""
    gender = rng.choice("mf")
    given_stem, family_stem = stem(rng, 1 + rng.randrange(2)), stem(rng, 2)
    g_lat, g_cyr = rng.choice(GIVEN_ENDINGS[gender])
    f_lat, f_cyr = FAMILY_ENDINGS[gender]
    given = Name(
        given_stem.en + g_lat,
        _ru_kk(given_stem.ru + g_cyr),
        given_stem.kk + g_cyr,
    )
    family = Name(family_stem.en + f_lat, family_stem.ru + f_cyr, family_stem.kk + f_cyr)
    full = Name(f"{given.en} {family.en}", f"{given.ru} {family.ru}", f"{given.kk} {family.kk}")
    return full, given, family, gender


#: Countries: ISO 3166-1 alpha-2 code, en, ru, kk, weight (Central Asia first and heaviest).
COUNTRIES: tuple[tuple[str, str, str, str, int], ...] = (
    ("KZ", "Kazakhstan", "Казахстан", "Қазақстан", 30),
    ("UZ", "Uzbekistan", "Узбекистан", "Өзбекстан", 20),
    ("KG", "Kyrgyzstan", "Киргизия", "Қырғызстан", 14),
    ("TJ", "Tajikistan", "Таджикистан", "Тәжікстан", 10),
    ("TM", "Turkmenistan", "Туркменистан", "Түрікменстан", 6),
    ("MN", "Mongolia", "Монголия", "Моңғолия", 4),
    ("RU", "Russia", "Россия", "Ресей", 6),
    ("AZ", "Azerbaijan", "Азербайджан", "Әзірбайжан", 2),
    ("GE", "Georgia", "Грузия", "Грузия", 2),
    ("AM", "Armenia", "Армения", "Армения", 1),
    ("TR", "Türkiye", "Турция", "Түркия", 2),
    ("DE", "Germany", "Германия", "Германия", 2),
    ("FR", "France", "Франция", "Франция", 1),
    ("KR", "Republic of Korea", "Республика Корея", "Корея Республикасы", 1),
    ("JP", "Japan", "Япония", "Жапония", 1),
    ("CN", "China", "Китай", "Қытай", 2),
)

#: Museum fields: en, ru (genitive), kk.
MUSEUM_FIELDS = (
    ("Local History", "краеведения", "өлкетану"),
    ("Fine Arts", "изобразительных искусств", "бейнелеу өнері"),
    ("Ethnography", "этнографии", "этнография"),
    ("Archaeology", "археологии", "археология"),
    ("Natural History", "природы", "табиғат"),
    ("Applied Arts", "прикладного искусства", "қолданбалы өнер"),
    ("Music", "музыки", "музыка"),
    ("Literature", "литературы", "әдебиет"),
)

#: Institution class → name templates (en, ru, kk); ``{s}`` is the stem, ``{f*}`` a field.
INSTITUTION_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "Museum": ("{s} Museum of {fen}", "Музей {fru} «{s}»", "«{s}» {fkk} мұражайы"),
    "Gallery": ("{s} Gallery", "Галерея «{s}»", "«{s}» галереясы"),
    "ContemporaryArtCentre": (
        "{s} Centre for Contemporary Art",
        "Центр современного искусства «{s}»",
        "«{s}» заманауи өнер орталығы",
    ),
    "Library": ("{s} Public Library", "Публичная библиотека «{s}»", "«{s}» көпшілік кітапханасы"),
    "Theatre": ("{s} Drama Theatre", "Драматический театр «{s}»", "«{s}» драма театры"),
    "MediaOutlet": ("{s} Cultural Herald", "Культурный вестник «{s}»", "«{s}» мәдени жаршысы"),
    "ResearchInstitute": (
        "{s} Institute of Cultural Studies",
        "Институт культурологии «{s}»",
        "«{s}» мәдениеттану институты",
    ),
    "ResearchUnit": (
        "{s} Laboratory of Museum Design",
        "Лаборатория музейного проектирования «{s}»",
        "«{s}» мұражай жобалау зертханасы",
    ),
    "University": (
        "{s} University of Arts",
        "Университет искусств «{s}»",
        "«{s}» өнер университеті",
    ),
    "Foundation": ("{s} Heritage Foundation", "Фонд наследия «{s}»", "«{s}» мұра қоры"),
    "IntergovernmentalOffice": (
        "Intergovernmental Heritage Office {s}",
        "Межправительственное бюро по наследию «{s}»",
        "«{s}» үкіметаралық мұра бюросы",
    ),
    "GovernmentBody": (
        "{s} Regional Culture Department",
        "Региональное управление культуры «{s}»",
        "«{s}» өңірлік мәдениет басқармасы",
    ),
}

#: Job titles: en, ru.
JOB_TITLES = (
    ("director", "директор"),
    ("curator", "куратор"),
    ("senior researcher", "старший научный сотрудник"),
    ("head of education", "руководитель образовательных программ"),
    ("conservator", "реставратор"),
    ("exhibition designer", "дизайнер экспозиций"),
    ("librarian", "библиотекарь"),
    ("project manager", "менеджер проектов"),
)

#: Top concepts of the synthetic topic scheme: en, ru, kk.
TOP_TOPICS = (
    ("Museums and tourism", "Музеи и туризм", "Мұражайлар және туризм"),
    ("Museum education", "Музейная педагогика", "Мұражай педагогикасы"),
    ("Joint museum programs", "Совместные музейные программы", "Бірлескен мұражай бағдарламалары"),
    ("Exposition technologies", "Экспозиционные технологии", "Экспозиция технологиялары"),
    ("Accessibility", "Доступность музеев", "Мұражайлардың қолжетімділігі"),
    ("Museum management", "Музейный менеджмент", "Мұражай менеджменті"),
    ("Conservation", "Консервация и реставрация", "Консервациялау және қалпына келтіру"),
    ("Digital collections", "Цифровые коллекции", "Цифрлық коллекциялар"),
    ("Intangible heritage", "Нематериальное наследие", "Материалдық емес мұра"),
    ("Contemporary art", "Современное искусство", "Заманауи өнер"),
    ("Archaeological heritage", "Археологическое наследие", "Археологиялық мұра"),
    ("Community museums", "Музеи местных сообществ", "Жергілікті қауымдастық мұражайлары"),
)

#: Aspects of a narrower topic: en, ru, kk.
TOPIC_ASPECTS = (
    ("methods", "методы", "әдістері"),
    ("case studies", "практики", "тәжірибесі"),
    ("standards", "стандарты", "стандарттары"),
    ("networks", "сети", "желілері"),
    ("funding", "финансирование", "қаржыландыру"),
    ("audiences", "аудитории", "аудиториялары"),
    ("training", "обучение", "оқыту"),
    ("evaluation", "оценка", "бағалау"),
)

#: Program class → title templates (en, ru, kk); ``{s}`` stem, ``{t*}`` topic, ``{y}`` year.
PROGRAM_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "Training": (
        "{s} training on {ten} {y}",
        "Тренинг «{s}»: {tru} ({y})",
        "«{s}» тренингі: {tkk} ({y})",
    ),
    "Exhibition": (
        "{s}: an exhibition on {ten} {y}",
        "Выставка «{s}»: {tru} ({y})",
        "«{s}» көрмесі: {tkk} ({y})",
    ),
    "JointProject": (
        "{s} joint project on {ten} {y}",
        "Совместный проект «{s}»: {tru} ({y})",
        "«{s}» бірлескен жобасы: {tkk} ({y})",
    ),
    "EducationalProgram": (
        "{s} school of {ten} {y}",
        "Образовательная программа «{s}»: {tru} ({y})",
        "«{s}» білім беру бағдарламасы: {tkk} ({y})",
    ),
    "Conference": (
        "{s} conference on {ten} {y}",
        "Конференция «{s}»: {tru} ({y})",
        "«{s}» конференциясы: {tkk} ({y})",
    ),
}

#: Program part titles: en, ru.
PART_TITLES = (
    ("Lectures of key trainers", "Лекции ведущих тренеров"),
    ("Master classes", "Мастер-классы"),
    ("Consultations of experts", "Консультации экспертов"),
    ("Business games", "Деловые игры"),
    ("Individual work of participants", "Индивидуальная работа участников"),
    ("Design sessions", "Проектные сессии"),
)
