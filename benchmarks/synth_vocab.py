"""Fixed vocabularies for the synthetic package: countries, names, titles, outlets.

Every string is NFC-normalised on import, holds no leading/trailing whitespace, no control
characters and does not start with a formula prefix, so generated cells obey the contract.
Scripts: Latin with Vietnamese diacritics, Cyrillic (Russian, Belarusian, Kazakh sources)
and Hangul (Korean sources and names).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def _nfc(values: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", v) for v in values]


@dataclass(frozen=True)
class Country:
    """A partner country: ISO3 code, names, main source language and cities."""

    iso3: str
    name_en: str
    name_vi: str
    language: str
    cities: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country("VNM", "Vietnam", "Việt Nam", "vi", ("Hanoi", "Ho Chi Minh City", "Da Nang", "Hue")),
    Country("BLR", "Belarus", "Belarus", "ru", ("Minsk", "Gomel", "Brest")),
    Country("RUS", "Russia", "Liên bang Nga", "ru", ("Moscow", "Saint Petersburg", "Novosibirsk")),
    Country("KOR", "Republic of Korea", "Hàn Quốc", "ko", ("Seoul", "Busan", "Daejeon")),
    Country("LAO", "Laos", "Lào", "vi", ("Vientiane", "Luang Prabang")),
    Country("JPN", "Japan", "Nhật Bản", "en", ("Tokyo", "Osaka", "Tsukuba")),
    Country("CHN", "China", "Trung Quốc", "en", ("Beijing", "Shanghai", "Shenzhen")),
    Country("USA", "United States", "Hoa Kỳ", "en", ("Washington", "Boston", "San Jose")),
    Country("FRA", "France", "Pháp", "en", ("Paris", "Grenoble", "Toulouse")),
    Country("DEU", "Germany", "Đức", "en", ("Berlin", "Munich", "Dresden")),
    Country("GBR", "United Kingdom", "Vương quốc Anh", "en", ("London", "Cambridge")),
    Country("AUS", "Australia", "Úc", "en", ("Canberra", "Sydney", "Melbourne")),
    Country("IND", "India", "Ấn Độ", "en", ("New Delhi", "Bengaluru")),
    Country("KHM", "Cambodia", "Campuchia", "vi", ("Phnom Penh", "Siem Reap")),
    Country("THA", "Thailand", "Thái Lan", "en", ("Bangkok", "Chiang Mai")),
    Country("SGP", "Singapore", "Singapore", "en", ("Singapore",)),
    Country("IDN", "Indonesia", "Indonesia", "en", ("Jakarta", "Bandung")),
    Country("MYS", "Malaysia", "Malaysia", "en", ("Kuala Lumpur", "Penang")),
    Country("PHL", "Philippines", "Philippines", "en", ("Manila", "Cebu")),
    Country("KAZ", "Kazakhstan", "Kazakhstan", "ru", ("Astana", "Almaty")),
    Country("UZB", "Uzbekistan", "Uzbekistan", "ru", ("Tashkent", "Samarkand")),
    Country("ISR", "Israel", "Israel", "en", ("Jerusalem", "Tel Aviv")),
    Country("NLD", "Netherlands", "Hà Lan", "en", ("Amsterdam", "Eindhoven")),
    Country("ITA", "Italy", "Italia", "en", ("Rome", "Milan")),
    Country("CAN", "Canada", "Canada", "en", ("Ottawa", "Toronto")),
    Country("CZE", "Czechia", "Séc", "en", ("Prague", "Brno")),
    Country("HUN", "Hungary", "Hungary", "en", ("Budapest", "Szeged")),
    Country("POL", "Poland", "Ba Lan", "en", ("Warsaw", "Krakow")),
    Country("BGR", "Bulgaria", "Bulgaria", "en", ("Sofia",)),
    Country("MNG", "Mongolia", "Mông Cổ", "en", ("Ulaanbaatar",)),
    Country("CUB", "Cuba", "Cu Ba", "en", ("Havana",)),
    Country("FIN", "Finland", "Phần Lan", "en", ("Helsinki", "Espoo")),
)

# Party kinds other than countries: (party_type, id word, English name stem, Vietnamese stem).
ORG_KINDS: tuple[tuple[str, str, str, str], ...] = (
    (
        "government_body",
        "ministry",
        "Ministry of Science and Technology",
        "Bộ Khoa học và Công nghệ",
    ),
    ("government_body", "agency", "National Agency for Technology", "Cục Công nghệ quốc gia"),
    ("state_enterprise", "corp", "State Energy Corporation", "Tập đoàn Năng lượng"),
    ("company", "company", "Digital Solutions Company", "Công ty Giải pháp số"),
    ("research_organization", "institute", "Institute of Physics", "Viện Vật lý"),
    ("research_organization", "academy", "Academy of Sciences", "Viện Hàn lâm Khoa học"),
    ("university", "university", "University of Technology", "Trường Đại học Công nghệ"),
    ("fund", "fund", "Science and Technology Development Fund", "Quỹ Phát triển khoa học"),
    ("association", "association", "Association of Software Firms", "Hiệp hội Phần mềm"),
)
ORG_WEIGHTS: tuple[float, ...] = (0.10, 0.07, 0.06, 0.20, 0.14, 0.05, 0.12, 0.04, 0.05)

INTERNATIONAL_ORGS: tuple[tuple[str, str, str], ...] = (
    ("unesco", "UNESCO", "Tổ chức Giáo dục, Khoa học và Văn hóa Liên Hợp Quốc"),
    ("iaea", "International Atomic Energy Agency", "Cơ quan Năng lượng Nguyên tử Quốc tế"),
    ("asean", "ASEAN", "Hiệp hội các quốc gia Đông Nam Á"),
    ("undp", "United Nations Development Programme", "Chương trình Phát triển Liên Hợp Quốc"),
    ("wipo", "World Intellectual Property Organization", "Tổ chức Sở hữu trí tuệ thế giới"),
    ("apec", "APEC", "Diễn đàn Hợp tác Kinh tế châu Á - Thái Bình Dương"),
)

# Person names by script group: (ascii slug part, display name).
PERSON_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "vi": (
        ("nguyen-manh-hung", "Nguyễn Mạnh Hùng"),
        ("huynh-thanh-dat", "Huỳnh Thành Đạt"),
        ("tran-thi-thu-ha", "Trần Thị Thu Hà"),
        ("le-quang-minh", "Lê Quang Minh"),
        ("pham-duc-long", "Phạm Đức Long"),
        ("vu-hai-quan", "Vũ Hải Quân"),
        ("do-thi-lan-anh", "Đỗ Thị Lan Anh"),
        ("bui-the-duy", "Bùi Thế Duy"),
    ),
    "ru": (
        ("ivan-petrov", "Ivan Petrov (Иван Петров)"),
        ("sergei-kirienko", "Sergei Kiriyenko (Сергей Кириенко)"),
        ("olga-smirnova", "Olga Smirnova (Ольга Смирнова)"),
        ("aliaksandr-shumilin", "Aliaksandr Shumilin (Аляксандр Шумілін)"),
        ("dmitry-volkov", "Dmitry Volkov (Дмитрий Волков)"),
    ),
    "ko": (
        ("lee-jong-ho", "Lee Jong-ho (이종호)"),
        ("kim-min-jun", "Kim Min-jun (김민준)"),
        ("park-seo-yeon", "Park Seo-yeon (박서연)"),
        ("choi-ji-woo", "Choi Ji-woo (최지우)"),
    ),
    "en": (
        ("john-miller", "John Miller"),
        ("marie-dubois", "Marie Dubois"),
        ("hans-weber", "Hans Weber"),
        ("akira-tanaka", "Akira Tanaka"),
        ("priya-sharma", "Priya Sharma"),
    ),
}

POSITION_TITLES: tuple[str, ...] = tuple(
    _nfc(
        [
            "Minister of Science and Technology",
            "Deputy Minister of Science and Technology",
            "Deputy Prime Minister",
            "Ambassador",
            "Director General",
            "President of the Academy of Sciences",
            "Chairman of the State Committee on Science and Technology",
            "Rector",
            "Chief Executive Officer",
        ]
    )
)

# Top-level sectors (slug, English, Vietnamese) and their sub-sectors.
TOP_SECTORS: tuple[tuple[str, str, str], ...] = (
    ("digital-technology", "Digital technology", "Công nghệ số"),
    ("energy", "Energy", "Năng lượng"),
    ("life-sciences", "Life sciences", "Khoa học sự sống"),
    ("electronics-semiconductors", "Electronics and semiconductors", "Điện tử và bán dẫn"),
    (
        "innovation-technology-transfer",
        "Innovation and technology transfer",
        "Đổi mới sáng tạo và chuyển giao công nghệ",
    ),
    (
        "research-higher-education",
        "Research and higher education",
        "Nghiên cứu và giáo dục đại học",
    ),
    (
        "environment-natural-resources",
        "Environment and natural resources",
        "Môi trường và tài nguyên thiên nhiên",
    ),
    ("agriculture", "Agriculture", "Nông nghiệp"),
)
SUB_SECTORS: tuple[tuple[int, str, str, str], ...] = (
    (0, "artificial-intelligence", "Artificial intelligence", "Trí tuệ nhân tạo"),
    (0, "digital-transformation", "Digital transformation", "Chuyển đổi số"),
    (0, "cybersecurity", "Cybersecurity", "An ninh mạng"),
    (0, "telecommunications", "Telecommunications", "Viễn thông"),
    (1, "nuclear-energy", "Nuclear energy", "Năng lượng nguyên tử"),
    (1, "renewable-energy", "Renewable energy", "Năng lượng tái tạo"),
    (1, "hydrogen", "Hydrogen", "Hiđrô"),
    (2, "biotechnology", "Biotechnology", "Công nghệ sinh học"),
    (2, "vaccines", "Vaccines", "Vắc-xin"),
    (3, "semiconductor-design", "Semiconductor design", "Thiết kế vi mạch"),
    (3, "microelectronics", "Microelectronics", "Vi điện tử"),
    (4, "technoparks", "Technology parks", "Khu công nghệ cao"),
    (4, "startups", "Start-ups", "Khởi nghiệp"),
    (4, "intellectual-property", "Intellectual property", "Sở hữu trí tuệ"),
    (5, "joint-research", "Joint research", "Nghiên cứu chung"),
    (5, "training-scholarships", "Training and scholarships", "Đào tạo và học bổng"),
    (6, "climate-change", "Climate change", "Biến đổi khí hậu"),
    (6, "water-resources", "Water resources", "Tài nguyên nước"),
    (7, "smart-agriculture", "Smart agriculture", "Nông nghiệp thông minh"),
    (7, "food-safety", "Food safety", "An toàn thực phẩm"),
)

EVENT_TYPES: tuple[tuple[str, str, str], ...] = (
    ("state_visit", "state-visit", "State visit"),
    ("official_visit", "official-visit", "Official visit"),
    ("working_visit", "working-visit", "Working visit"),
    ("summit_talks", "talks", "Summit talks"),
    ("ministerial_meeting", "ministerial", "Ministerial meeting"),
    ("joint_committee_session", "joint-committee", "Joint committee session"),
    ("signing_ceremony", "signing", "Signing ceremony"),
    ("site_visit", "site-visit", "Site visit"),
    ("forum", "forum", "Forum"),
    ("press_conference", "press", "Press conference"),
)
EVENT_TYPE_WEIGHTS: tuple[float, ...] = (0.05, 0.07, 0.15, 0.05, 0.2, 0.08, 0.12, 0.1, 0.13, 0.05)
EVENT_TITLE_VI: tuple[str, ...] = tuple(
    _nfc(
        [
            "Chuyến thăm cấp Nhà nước",
            "Chuyến thăm chính thức",
            "Chuyến thăm làm việc",
            "Hội đàm cấp cao",
            "Cuộc họp cấp Bộ trưởng",
            "Phiên họp Ủy ban liên Chính phủ",
            "Lễ ký kết",
            "Chuyến khảo sát thực tế",
            "Diễn đàn",
            "Họp báo",
        ]
    )
)

AGREEMENT_TYPES: tuple[tuple[str, str, str, str], ...] = (
    ("joint_statement", "joint-statement", "Joint statement", "Tuyên bố chung"),
    ("memorandum_of_understanding", "mou", "Memorandum of understanding", "Biên bản ghi nhớ"),
    ("cooperation_agreement", "agreement", "Cooperation agreement", "Hiệp định hợp tác"),
    ("letter_of_intent", "loi", "Letter of intent", "Thư ý định"),
    ("programme", "programme", "Cooperation programme", "Chương trình hợp tác"),
    ("roadmap", "roadmap", "Roadmap", "Lộ trình"),
    ("protocol", "protocol", "Protocol", "Nghị định thư"),
)
AGREEMENT_TYPE_WEIGHTS: tuple[float, ...] = (0.1, 0.45, 0.15, 0.08, 0.1, 0.06, 0.06)

# Source outlets per language: (slug, name, domain, source_type).
OUTLETS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "vi": (
        ("vnexpress", "VnExpress", "vnexpress.net", "media"),
        ("nhandan", "Báo Nhân Dân", "nhandan.vn", "media"),
        ("vietnamplus", "VietnamPlus", "www.vietnamplus.vn", "media"),
        ("ictvietnam", "ICT Việt Nam", "ictvietnam.vn", "media"),
        ("most", "Bộ Khoa học và Công nghệ", "www.most.gov.vn", "official"),
    ),
    "en": (
        ("vietnamnews", "Việt Nam News", "vietnamnews.vn", "media"),
        ("vnagency", "Vietnam News Agency", "en.vnanet.vn", "media"),
        ("unesco", "UNESCO", "www.unesco.org", "international_organization"),
    ),
    "ru": (
        ("tass", "ТАСС", "tass.ru", "media"),
        ("ria", "РИА Новости", "ria.ru", "media"),
        ("belta", "БЕЛТА", "www.belta.by", "media"),
    ),
    "ko": (
        ("yonhap", "연합뉴스", "www.yna.co.kr", "media"),
        ("msit", "과학기술정보통신부", "www.msit.go.kr", "official"),
    ),
}

SOURCE_TOPICS: dict[str, tuple[str, ...]] = {
    "vi": tuple(
        _nfc(
            [
                "hợp tác phát triển công nghệ số, đổi mới sáng tạo",
                "thúc đẩy hợp tác khoa học, công nghệ và năng lượng nguyên tử",
                "ký kết biên bản ghi nhớ về trí tuệ nhân tạo",
                'mở rộng hợp tác "khoa học - công nghệ" và chuyển đổi số',
                "đưa hợp tác KHCN thành điểm sáng mới",
            ]
        )
    ),
    "en": (
        "expand cooperation in science, technology and innovation",
        "sign memorandum on semiconductor training",
        'agree on a "digital partnership" roadmap',
        "hold joint committee session on technology transfer",
    ),
    "ru": tuple(
        _nfc(
            [
                "расширяют сотрудничество в области науки и технологий",
                "подписали меморандум о мирном атоме",
                "обсудили цифровую трансформацию и инновации",
            ]
        )
    ),
    "ko": tuple(
        _nfc(
            [
                "과학기술 협력을 새로운 중심축으로",
                "반도체 인재 양성 양해각서 체결",
                "디지털 전환 및 혁신 협력 확대",
            ]
        )
    ),
}

# How each language names "Vietnam and <partner>" in a headline: partner names per language.
HEADLINE_VIETNAM: dict[str, str] = {
    "vi": "Việt Nam - ",
    "en": "Vietnam and ",
    "ru": "Вьетнам и ",
    "ko": "베트남-",
}
PARTNER_NATIVE: dict[str, dict[str, str]] = {
    "ru": {"BLR": "Беларусь", "RUS": "Россия", "KAZ": "Казахстан", "UZB": "Узбекистан"},
    "ko": {"KOR": "한국"},
}

SUMMARY_PHRASES: tuple[str, ...] = (
    "The two sides reviewed cooperation in science, technology and innovation",
    "Both delegations agreed to expand joint research, training and technology transfer",
    "The meeting discussed digital transformation, start-ups and intellectual property",
    "Participants exchanged views on nuclear energy, semiconductors and artificial intelligence",
)

RETIRED_VERSIONS: tuple[str, ...] = ("0.1.0", "0.2.0", "0.3.0", "1.0.0")


def normalised(values: tuple[str, ...] | list[str]) -> list[str]:
    """VALUES in Unicode NFC (vocabulary literals may have been typed decomposed)."""
    return _nfc(list(values))
