"""Word lists for casualty extraction, in matching form (alef → ا, ى → ي, ة → ه, no tashkeel).

Data only. Every list is expanded once, at import, to all clitic-prefixed variants (و، ف، ب، ل، ال…)
so the extractor does one dictionary lookup per token. ``who`` labels are short English
categories; fighters of a named group get ``"<group as written> fighters"`` (see docs/casualties.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from worker.extract.numbers import PREFIXES

KILLED: str = "killed"
INJURED: str = "injured"
COMBINED: str = "killed_or_injured"
MISSING: str = "missing"
KIDNAPPED: str = "kidnapped"
ARRESTED: str = "arrested"
DISPLACED: str = "displaced"

# Words before a count that name what happened to the people counted ("مقتل 5", "أصيب 10").
LEFT_TRIGGERS: dict[str, str] = {
    **dict.fromkeys(
        ["مقتل", "قتل", "قتلت", "يقتل", "تقتل", "قتلوا", "استشهاد", "استشهد", "استشهدت", "استشهدوا",
         "اغتيال", "اغتال", "اغتالت", "اغتالوا", "قضي", "قضوا", "قضيا", "مصرع", "وفاه", "نعي", "نعت", "ينعي", "تنعي", "نعوا", "اعدام", "اعدم", "اعدمت",
         "بحياه", "بارواح", "حصيله", "الحصيله", "ازهاق", "هلاك", "تصفيه", "القضاء"], KILLED),
    **dict.fromkeys(
        ["اصابه", "اصيب", "اصيبت", "اصيبوا", "يصاب", "جرح", "جرحت", "جرحوا", "اصابات", "اصابتهم", "اصاب",
         "اصابت"], INJURED),
    **dict.fromkeys(["فقدان", "اختفاء", "فقد"], MISSING),  # "فقد" + count only: "فقد 30 آخرون"
    **dict.fromkeys(["اختطاف", "اختطف", "اختطفت", "خطف", "خطفت", "يختطف", "اختطفوا", "خطفوا"], KIDNAPPED),
    **dict.fromkeys(["اعتقال", "اعتقل", "اعتقلت", "توقيف", "اوقف", "اوقفت", "احتجاز", "احتجز",
                     "احتجزت", "القبض", "اعتقالات"], ARRESTED),
    **dict.fromkeys(["نزوح", "نزح", "نزحت", "تهجير", "هجر", "تشريد", "شرد", "تهجر"], DISPLACED),
}
# "المخاطرة بحياة الجنود": lives risked, not taken (بحياة counts after أودى).
RISK_WORDS: frozenset[str] = frozenset(
    ["المخاطره", "مخاطره", "بالمخاطره", "يخاطر", "تخاطر", "خاطر", "خاطرت", "المجازفه", "مجازفه", "يجازف",
     "تجازف", "يعرض", "تعرض", "يهدد", "تهدد"])
# A court's sentence is no death: "حكم بإعدام ستة"، "قضت المحكمة بالإعدام على 3"، "أيدت إعدام" (an
# execution carried out, "أعدمت السلطات 5", stays a toll).
EXECUTION_TRIGGERS: frozenset[str] = frozenset(["اعدام"])
SENTENCING_WORDS: frozenset[str] = frozenset(
    p + w for w in ("حكم", "حكما", "احكام", "احكاما", "الحكم", "حكمت", "قضت", "قضي", "يقضي", "تقضي",
                    "ايدت", "ايد", "يطالب", "تطالب", "طالب", "طالبت", "المطالبه", "مطالبين", "مطالبا",
                    "مطالبه", "مطالبون", "يطالبون", "طالبوا", "عقوبه", "العقوبه",
                    "محكمه", "المحكمه", "قرار", "بحكم")
    for p in ("", "و", "ف"))
CARRIED_OUT: frozenset[str] = frozenset(
    p + w for w in ("تنفيذ", "نفذت", "نفذ", "تنفذ", "ينفذ", "بتنفيذ") for p in ("", "و", "ف"))
# An attempt is no death: "محاولة اغتيال رئيس الحكومة"، "محاولة قتل".
ATTEMPTS: frozenset[str] = frozenset(
    p + w for w in ("محاوله", "محاولات", "المحاوله") for p in ("", "و", "ب", "ل", "وب", "ول"))
# A charge of killing is no news of a death: "متهما بقتل الجندي"، "بتهمة قتل خادمتهما"، "أدين بقتل"،
# "بالوقوف وراء اغتيال والده"، "اعتراف إسرائيلي بقتل 7".
ACCUSED: frozenset[str] = frozenset(
    p + w for w in ("متهم", "متهما", "متهمه", "المتهم", "المتهمين", "متهمين", "متهمون", "المتهمون",
                    "بتهمه", "تهمه", "تهم", "بتهم", "اتهام", "باتهام", "ادين", "ادينوا", "ادينت", "مدان",
                    "المدان", "مدانا", "بجريمه", "جريمه", "بتورطه", "بتورطها", "بتورطهم", "بالتورط", "تورطه",
                    "تورط", "متورط", "متورطا", "المتورطين", "متورطين",
                    # an admission or the party "behind" a killing tells a known death
                    "اعتراف", "باعتراف", "اعترف", "اعترفت", "يعترف", "تعترف", "وراء",
                    # blame or a denial of it: "نفى المستشفى التسبب في وفاة سائح"، "ضلوعها في اغتيال"
                    "التسبب", "بالتسبب", "ضلوع", "ضلوعه", "ضلوعها", "ضلوعهم", "بالضلوع")
    for p in ("", "و"))
# Triggers that count only with "على" after them: "القضاء على 13 مسلحا" (القضاء alone is "the judiciary").
NEEDS_ALA: frozenset[str] = frozenset(["القضاء"])
# "أحد/إحدى" + a plural people noun after a trigger: one person ("أصيب أحد المحتجين").
ONE_OF: frozenset[str] = frozenset(["احد", "احدي"])
# Verb triggers that may be separated from their object count by a subject ("نعى حزب الله اثنين …").
TRIGGER_VERBS: frozenset[str] = frozenset(
    ["اغتال", "اغتالت", "اغتالوا", "قتل", "قتلت", "يقتل", "تقتل", "نعي", "نعت", "ينعي", "تنعي", "نعوا", "اعدم", "اعدمت", "اصيب", "اصيبت",
     "جرح", "جرحت", "اختطف", "اختطفت", "خطف", "خطفت", "اختطفوا", "خطفوا", "اعتقل", "اعتقلت", "اوقف",
     "اوقفت", "احتجز", "احتجزت", "هجر", "شرد", "استشهد", "القبض", "اصاب", "اصابت"])
# Event nouns that combine into one killed_or_injured figure: "مقتل وإصابة 15", "قُتل وجُرح 15".
COMBINABLE: frozenset[str] = frozenset(["مقتل", "قتل", "استشهاد", "اصابه", "جرح", "وفاه", "قتلي", "جرحي",
                                        "اصيب", "اصيبوا", "قتلوا", "جرحوا"])
# Verbs that, after a singular person noun, report that person's death: "جندياً استشهد".
SV_KILLED: frozenset[str] = frozenset(["استشهد", "استشهدت", "قتل", "قتلت", "لقي", "لقيت"])
# Verbs that, after an indefinite singular person noun, report that person's wound: "رجلا آخر أصيب".
SV_INJURED: frozenset[str] = frozenset(["اصيب", "اصيبت"])
# Singular verbs after a count and its singular noun ("أكثر من 300 متظاهر أصيب بجروح").
SV_AFTER_COUNT: dict[str, str] = {"اصيب": INJURED, "قتل": KILLED, "استشهد": KILLED}
# "أن رجلا آخر أصيب": the words that open a reported clause, whose subject is the wounded person.
THAT_WORDS: frozenset[str] = frozenset(["ان", "بان", "وان"])
# "رجلا آخر أصيب": "another" between the person and the verb.
OTHER_ONE: frozenset[str] = frozenset(["اخر", "اخرا", "اخري"])
# Triggers that only count with a confirming word after the count: لقي 4 أشخاص حتفهم.
WEAK_TRIGGERS: dict[str, tuple[str, frozenset[str]]] = {
    "لقي": (KILLED, frozenset({"حتفهم", "حتفه", "حتفهما", "حتفها", "حتفهن", "مصرعهم", "مصرعه", "مصرعهما"})),
    "لقوا": (KILLED, frozenset({"حتفهم", "حتفهما", "حتفهن", "مصرعهم"})),
    "لقيت": (KILLED, frozenset({"حتفها", "حتفهم", "مصرعها", "مصرعهم"})),
    "فارق": (KILLED, frozenset({"الحياه"})),
    "فارقوا": (KILLED, frozenset({"الحياه"})),
    "فارقت": (KILLED, frozenset({"الحياه"})),
    "سقوط": (KILLED, frozenset()),  # kind comes from the victim noun (سقوط 10 قتلى)
    "سقط": (KILLED, frozenset()),
    "سقطت": (KILLED, frozenset()),
    "وقوع": (KILLED, frozenset()),
    # "وثق المرصد 6 مقاتلين": a monitor's documented count of people is a toll (figures._left_trigger
    # keeps it only when a people noun follows the count: "وثقت 20 حالة اعتقال" is none)
    **dict.fromkeys(["وثق", "وثقت"], (KILLED, frozenset())),
    # "توفي فتى … متأثرا بجروحه": died of wounds (توفي alone is any death)
    **dict.fromkeys(["توفي", "توفيت", "توفوا", "توفيا"], (KILLED, frozenset(
        {"متاثرا", "متاثره", "متاثرين", "متاثرون", "متاثرتين", "متاثرتان", "متاثران"}))),
}
MET_VERBS: frozenset[str] = frozenset(["لقي", "لقوا", "لقيت"])
# A singular pronoun after لقي/لقيت: one person met death ("أن امرأة لقيت حتفها").
ONE_DEATH_OBJECTS: frozenset[str] = frozenset(["حتفه", "حتفها", "مصرعه", "مصرعها"])
DOCUMENT_VERBS: frozenset[str] = frozenset(["وثق", "وثقت"])
# Verbs of dying right before a count of wounded: they died ("وتوفي 7 جرحى لاحقا").
DIED_VERBS: frozenset[str] = frozenset(
    p + v for v in ("توفي", "توفيت", "توفوا", "استشهد", "استشهدت", "قضي", "فارق") for p in ("", "و", "ف"))
# Victim nouns right after a count ("48 قتيلا", "تسع جثث") or after a toll word (حصيلة القتلى).
VICTIM_NOUNS: dict[str, str] = {
    **dict.fromkeys(["قتيل", "قتيلا", "قتلي", "شهيد", "شهيدا", "شهداء", "جثه", "جثث", "جثمان", "جثامين",
                     "ضحيه", "ضحايا", "وفيات", "اشلاء", "قتيلان", "قتيلين", "شهيدان", "شهيدين",
                     "جثتين", "جثتان"], KILLED),
    **dict.fromkeys(["جريح", "جريحا", "جرحي", "مصاب", "مصابا", "مصابين", "مصابون", "جريحان", "جريحين",
                     "اصابه", "اصابات"], INJURED),
    **dict.fromkeys(["مفقود", "مفقودا", "مفقودين", "مفقودون"], MISSING),
    **dict.fromkeys(["مختطف", "مختطفا", "مختطفين", "مختطفون", "مخطوف", "مخطوفين", "رهينه", "رهائن"],
                    KIDNAPPED),
    **dict.fromkeys(["معتقل", "معتقلا", "معتقلين", "معتقلون", "موقوف", "موقوفين", "محتجز", "محتجزين"],
                    ARRESTED),
    **dict.fromkeys(["نازح", "نازحا", "نازحين", "نازحون", "مهجر", "مهجرين", "مشرد", "مشردين", "نازحه"],
                    DISPLACED),
}
# Singular victim nouns that count 1 when they follow سقوط/وقوع ("سقوط قتيل").
SINGULAR_VICTIMS: dict[str, str] = {"قتيل": KILLED, "شهيد": KILLED, "جريح": INJURED, "ضحيه": KILLED,
                                    "جثه": KILLED, "مصاب": INJURED, "قتيلا": KILLED, "شهيدا": KILLED,
                                    "جريحا": INJURED, "مصابا": INJURED}
# Dual verbs after a people noun whose -ين form is also the plural: the verb makes it two
# ("جثمان فلسطينيين قتلا بقصف" = 2).
DUAL_VERBS: dict[str, str] = {
    **dict.fromkeys(["قتلا", "استشهدا", "قضيا", "لقيا"], KILLED),
    **dict.fromkeys(["اصيبا", "جرحا"], INJURED),
}
# Verbs/complements after "count + who" ("5 مدنيين قتلوا", "أصيب 10 آخرون بجروح").
RIGHT_VERBS: dict[str, str] = {
    **dict.fromkeys(["قتلوا", "قتلا", "قتلن", "استشهدوا", "حتفهم", "حتفهما", "حتفهن", "مصرعهم",
                     "مصرعهما", "لقوا", "فارقوا", "قضوا", "قضيا", "قتلتا"], KILLED),
    **dict.fromkeys(["اصيبوا", "اصيبا", "جرحوا", "بجروح", "بجراح", "باصابات", "اصيبن"], INJURED),
    **dict.fromkeys(["فقدوا"], MISSING),
    **dict.fromkeys(["اختطفوا", "خطفوا"], KIDNAPPED),
    **dict.fromkeys(["اعتقلوا"], ARRESTED),
    **dict.fromkeys(["نزحوا", "هجروا", "النزوح", "للنزوح", "الفرار", "للفرار"], DISPLACED),
}

# who: head noun after the count → label.
WHO: dict[str, str] = {
    **dict.fromkeys(["مدني", "مدنيين", "مدنيا", "مدنيون", "مواطن", "مواطنين", "مواطنا", "مواطنون",
                     "مدنيه", "مدنيات"], "civilians"),
    **dict.fromkeys(["شخص", "اشخاص", "شخصا", "شخصان", "شخصين", "افراد", "فردا", "شاب", "شبان", "شابا",
                     "شابين", "رجل", "رجال", "رجلا", "رجلين", "اخرون", "اخرين", "مسن", "مسنين",
                     "والد", "والده", "والدته", "شقيق", "شقيقه", "شقيقين", "ابن", "ابنه", "زوج", "زوجته",
                     "سكان", "نسمه", "فتي"], "people"),
    **dict.fromkeys(["طفل", "اطفال", "طفلا", "طفله", "طفلين", "طفلان", "اطفالا", "قاصر", "قاصرين",
                     "رضيع", "رضع", "فتاه", "فتيات", "طفلتين", "فتاتين"], "children"),
    **dict.fromkeys(["امراه", "نساء", "سيده", "سيدات", "امراتين", "امراتان", "نسوه"], "women"),
    **dict.fromkeys(["جندي", "جنود", "جنديا", "جنديين", "جنديان", "عسكري", "عسكريين", "عسكريا",
                     "عسكريون", "مجند", "مجندين"], "soldiers"),
    **dict.fromkeys(["ضابط", "ضباط", "ضابطا", "ضابطين", "ضابطان"], "officers"),
    **dict.fromkeys(["شرطي", "شرطيا", "شرطيين", "شرطيان", "شرطه"], "police"),
    **dict.fromkeys(["عنصر", "عناصر", "عنصرا", "عنصرين", "عنصران", "مقاتل", "مقاتلين", "مقاتلا",
                     "مقاتلون", "قيادي", "قياديا", "قياديين", "قائد", "قاده", "عناصره", "عناصرها",
                     "عناصرهم", "مقاتليه", "مقاتليها", "متشدد", "متشددين", "ارهابي", "ارهابيين",
                     "مرتزقه", "مسلح", "مسلحين", "مسلحا", "مسلحون", "متمرد", "متمردين", "متمردا",
                     "متمردون", "تكفيري", "تكفيريين", "تكفيريا", "تكفيريون", "جهادي", "جهاديين", "جهاديا",
                     "ارهابيا", "ارهابيون", "حوثيين", "حوثيا", "حوثيون"], "fighters"),
    **dict.fromkeys(["صحفي", "صحفيين", "صحفيا", "صحافي", "صحافيين", "صحافيا", "صحافيون", "اعلامي",
                     "اعلاميين", "مصور", "مراسل"], "journalists"),
    **dict.fromkeys(["مسعف", "مسعفين", "طبيب", "اطباء", "ممرض", "ممرضين", "مسعفا"], "medics"),
    **dict.fromkeys(["متظاهر", "متظاهرين", "متظاهرا", "محتج", "محتجين", "محتجا"], "protesters"),
    **dict.fromkeys(["فلسطيني", "فلسطينيين", "فلسطينيا", "فلسطينيون"], "Palestinians"),
    **dict.fromkeys(["مهاجر", "مهاجرين", "لاجئ", "لاجئين", "لاجئا", "مهاجرا"], "migrants"),
    **dict.fromkeys(["عامل", "عمال", "عاملا", "موظف", "موظفين", "طالب", "طلاب", "تلاميذ", "صياد",
                     "صيادين", "مزارع", "مزارعين", "راع", "راكب", "راكبا", "ركاب", "مصلين", "مصليا",
                     "مصل", "مارا", "مارين", "المارة"], "civilians"),
    **dict.fromkeys(["طيار", "طيارين", "طيارا", "طيارون"], "pilots"),
    **dict.fromkeys(["مشتبه", "مشتبها", "مشتبهين", "مطلوب", "مطلوبا", "مطلوبين", "متهم", "متهما",
                     "متهمين"], "suspects"),
}
# Singular nouns that make "trigger + noun" a count of one ("مقتل طفل", "إصابة شرطي").
SINGULAR_PEOPLE: dict[str, str] = {
    **dict.fromkeys(["طفل", "طفله", "رضيع", "فتاه", "فتي", "قاصر"], "children"),
    **dict.fromkeys(["جندي", "عسكري", "مجند", "رقيب", "عريف", "ملازم", "نقيب", "رائد", "عقيد", "عميد"],
                    "soldiers"),
    **dict.fromkeys(["طيار"], "pilots"),
    **dict.fromkeys(["ضابط"], "officers"),
    **dict.fromkeys(["شرطي"], "police"),
    **dict.fromkeys(["مدني", "مواطن", "مزارع", "راع", "صياد", "عامل", "طالب", "موظف",
                     "مدنيه", "طالبه", "موظفه"], "civilians"),
    **dict.fromkeys(["امراه", "سيده", "مسنه", "شابه"], "women"),
    **dict.fromkeys(["شاب", "رجل", "شخص", "مسن", "والد", "والده", "والدته", "شقيق", "شقيقه", "ابن",
                     "ابنه", "زوجته", "لاجئ", "مهاجر", "اخر", "ثالث", "رابع", "خامس", "سائق", "راكب",
                     "مختار", "امام", "معلم", "ناشط", "حارس", "مسؤول", "مستوطن", "مقيم", "مرشح", "محام",
                     "قاض", "تاجر", "مهندس", "مدرس", "زائر", "سائح", "حاج", "اسير", "سجين", "متطوع",
                     "متطوعه", "ناشطه", "لاجئه", "مهاجره", "مقيمه", "زائره", "سائحه",
                     # a leader named by office: "مقتل رئيس المجلس فلان"، "مقتل أمير التنظيم"
                     "رئيس", "زعيم", "امير"], "people"),
    **dict.fromkeys(["عنصر", "مقاتل", "قيادي", "قائد", "مسلح"], "fighters"),
    **dict.fromkeys(["صحفي", "صحافي", "مصور", "مراسل", "اعلامي", "صحفيه", "صحافيه", "مراسله", "اعلاميه"],
                    "journalists"),
    **dict.fromkeys(["مسعف", "طبيب", "ممرض", "مسعفه", "طبيبه", "ممرضه"], "medics"),
    **dict.fromkeys(["فلسطيني", "فلسطينيه"], "Palestinians"),
    **dict.fromkeys(["متظاهر", "محتج"], "protesters"),
    **dict.fromkeys(["انتحاري", "منفذ", "مهاجم", "مفجر", "انغماسي"], "perpetrators"),
}
# Perpetrator nouns ("مقتل الانتحاري", "قتل 3 من المهاجمين").
PERPETRATORS: frozenset[str] = frozenset(
    ["انتحاري", "انتحاريين", "انتحاريا", "انتحاريان", "منفذ", "منفذي", "منفذو", "منفذين", "مهاجم",
     "مهاجمين", "مهاجمون", "مهاجما", "انغماسي", "انغماسيين", "مفجر", "الانتحاري", "المهاجمين",
     "المهاجمون", "الانتحاريين", "الانغماسيين", "المهاجم", "الانتحاريان", "المهاجمه"])
# Words that make "انتحاري" an adjective of the attack, not a person.
ATTACK_NOUNS: frozenset[str] = frozenset(
    ["هجوم", "تفجير", "عمليه", "هجمات", "تفجيرات", "بهجوم", "بتفجير", "اعتداء", "الهجوم", "التفجير"])

# Sub-count markers: "بينهم 5 أطفال", "منهم", "بين القتلى 11".
SUB_MARKERS: frozenset[str] = frozenset(
    ["بينهم", "بينهن", "منهم", "منهن", "بينهما", "منهما", "بينها", "ضمنهم", "بينهم", "اغلبهم", "معظمهم"])

# Toll-update cues before the count ("ارتفعت حصيلة القتلى إلى 27").
UPDATE_CUES: frozenset[str] = frozenset(
    ["يرفع", "ليرفع", "لترفع", "ترفع", "رفع", "رفعت", "ارتفع", "ارتفعت", "ارتفاع", "ترتفع", "يرتفع", "لترتفع", "ليرتفع", "ليصل", "لتصل", "وصلت",
     "اجمالي", "الاجمالي", "الاجماليه", "ليبلغ", "لتبلغ", "مجموع", "الاجمالي", "ارتفعت",
     "وارتفع", "وارتفعت", "فارتفع", "فارتفعت", "ويرتفع", "وترتفع",
     "اجمل", "اجملت", "واجمل", "واجملت"])

# Toll nouns: a figure they introduce is a running total ("بلغت حصيلة قتلى القصف اليوم 35").
TOLL_NOUNS: frozenset[str] = frozenset(["حصيله", "الحصيله", "حصيلتها", "حصيلته", "وحصيله"])

# Tokens skipped when walking left from a count to its trigger ("مقتل ما لا يقل عن 20").
LEFT_SKIP: frozenset[str] = frozenset(
    ["نحو", "حوالي", "قرابه", "زهاء", "اكثر", "ازيد", "اقل", "من", "ما", "لا", "يقل", "عن", "يزيد",
     "علي", "الاقل", "يقارب", "يناهز", "تناهز", "يربو", "الي", "عدد", "ليصل", "لتصل", "وصل", "وصلت",
     "بلغ", "بلغت", "ليبلغ", "لتبلغ", "ارتفع", "ارتفعت", "ارتفاع", "ترتفع", "يرتفع", "لترتفع", "ليرتفع",
     "اجمالي", "الاجمالي", "مجموع", "و", "اسفر", "اسفرت", "تسبب", "ادي", "الي", "بنحو", "يفوق",
     "يتجاوز", "النهائيه", "الاوليه", "الجديده", "الرسميه", "جراء", "حيث", "اليوم", "امس", "قد",
     "ايضا", "كذلك", "كما", "فقط", "نحوا", "بحوالي", "الي", "حتي", "الان", "تبلغ", "يبلغ", "ال",
     "يرفع", "ليرفع", "لترفع", "ترفع", "رفع", "رفعت", "ليلا", "صباحا", "مساء", "فجرا", "ظهرا", "عصرا",
     "الليله",
     # the resumptive pronoun of a relative clause on the event: "عملية دهس قتل فيها جنديان"
     "فيه", "فيها", "خلاله", "خلالها"])
# A clause naming another source gives an alternative estimate of the same incident, not a new one.
ALT_SOURCE_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [("مصادر", "اخري"), ("مصدر", "اخر"), ("روايه", "اخري"), ("تقديرات", "اخري"), ("جهات", "اخري"),
     ("مصادر", "مختلفه"), ("تقارير", "اخري")])

# Nouns that make a number something other than people.
NOT_PEOPLE: frozenset[str] = frozenset(
    # time
    ["ساعه", "ساعات", "ايام", "يوما", "اسبوع", "اسابيع", "شهر", "اشهر", "شهور", "شهرا", "عام",
     "عاما", "اعوام", "سنه", "سنوات", "سنين", "عامين", "سنتين", "دقيقه", "دقائق", "ثانيه", "ثوان",
     "ليله", "ليال", "عقد", "عقود", "ساعتين", "يومين", "اسبوعين", "شهرين", "الساعه", "صباحا", "مساء",
     "مساءا", "فجرا", "ظهرا", "عصرا", "ليلا", "ساعه", "مره", "مرات", "مرتين",
     # vehicles, buildings, places
     "سياره", "سيارات", "اليه", "اليات", "مركبه", "مركبات", "دبابه", "دبابات", "حافله", "حافلات",
     "شاحنه", "شاحنات", "عربه", "عربات", "منزل", "منازل", "مبني", "مباني", "بيت", "بيوت", "مدرسه",
     "مدارس", "مستشفي", "مستشفيات", "مسجد", "مساجد", "محل", "محلات", "خيمه", "خيام", "منشاه",
     "منشات", "قريه", "قري", "بلده", "بلدات", "مدينه", "مدن", "حي", "احياء", "موقع", "مواقع", "نقطه",
     "نقاط", "حاجز", "حواجز", "مقر", "مقرات", "زورق", "زوارق", "سفينه", "سفن", "مخيم", "مخيمات",
     # weapons and actions
     "صاروخ", "صواريخ", "صاروخا", "قذيفه", "قذائف", "غاره", "غارات", "طائره", "طائرات", "مسيره",
     "مسيرات", "برميل", "براميل", "هجوم", "هجمات", "هجوما", "هدف", "هدفا", "اهداف", "عبوه", "عبوات", "لغم", "الغام", "طلقه",
     "رصاصه", "ضربه", "ضربات", "انفجار", "انفجارات", "عمليه", "عمليات", "قنبله", "قنابل", "طلعه",
     "طلعات", "انتهاك", "انتهاكات", "خرق", "خروقات", "حادث", "حوادث", "اعتداء", "اعتداءات",
     "مجزره", "مجازر", "جبهه", "جبهات", "محور", "محاور", "بلاغ", "بلاغات", "حالات", "حاله",
     # units of measure and money
     "كيلومتر", "كيلومترا", "كيلومترات", "كلم", "كم", "متر", "مترا", "امتار", "كغ", "كيلوغرام",
     "طن", "اطنان", "لتر", "دولار", "دولارا", "ليره", "دينار", "دينارا", "ريال", "ريالا", "جنيه",
     "يورو", "درهم", "درهما", "شيكل", "بالمئه", "بالمائه", "المئه", "المائه", "درجه", "درجات", "نقطه",
     "هكتار", "دونم", "ميل", "ميلا", "مليمتر", "ملم", "دقيقه",
     # months
     "يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر", "اكتوبر",
     "نوفمبر", "ديسمبر", "كانون", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "اب", "ايلول",
     "تشرين", "جانفي", "فيفري", "افريل", "ماي", "جوان", "جويليه", "اوت", "م", "ه", "هـ", "ق"])
# Tokens right before a number that make it a date, year, age or unit number.
NOT_PEOPLE_LEFT: frozenset[str] = frozenset(
    ["عام", "العام", "لعام", "سنه", "السنه", "لسنه", "منذ", "عمر", "العمر", "بعمر", "عمره", "عمرها",
     "سن", "رقم", "اللواء", "لواء", "الفرقه", "فرقه", "الكتيبه", "الفوج", "المرتبه", "الماده",
     "القرار", "الطريق", "الساعه", "الدقيقه", "الصفحه", "الجوله", "الدوره", "الفصل", "البند",
     "طريق", "اوتوستراد", "الاوتوستراد", "الكيلو", "مطلع", "اواخر", "اوائل", "منتصف", "الفيلق",
     "فيلق", "قرار", "الحاجز", "المربع", "الدائره", "يناير", "فبراير", "مارس", "ابريل", "مايو",
     "يونيو", "يوليو", "اغسطس", "سبتمبر", "اكتوبر", "نوفمبر", "ديسمبر", "حزيران", "تموز", "ايار",
     "نيسان", "اذار", "شباط", "ايلول", "تشرين", "كانون", "اب", "بتاريخ", "تاريخ", "الطابق", "المبني",
     "مبني", "الموافق", "العدد", "مذكرتي", "مذكره", "اتفاق", "الكيلومتر", "صفحه", "الفقره"])

# Background (past or cumulative) cues: token pairs/singles in the figure's clause.
BACKGROUND_AFTER_MUNDHU: frozenset[str] = frozenset(
    ["بدايه", "بدء", "اندلاع", "مطلع", "عام", "العام", "سنه", "انطلاق", "الحرب", "النزاع", "الثوره",
     "سنوات", "اعوام", "عقد", "عقود", "بدايات", "السابع", "اكتوبر", "تشرين", "بداية", "شهر", "اشهر",
     "اسابيع", "يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر",
     "نوفمبر", "ديسمبر", "مطلع", "بدايه", "مارس", "اذار", "الغزو", "العدوان", "حرب", "انتفاضه"])
BACKGROUND_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [("العام", "الماضي"), ("الشهر", "الماضي"), ("السنه", "الماضيه"), ("الاسبوع", "الماضي"),
     ("خلال", "الحرب"), ("خلال", "النزاع"), ("خلال", "الصراع"), ("طوال", "الحرب"), ("طيله", "الحرب"),
     ("خلال", "السنوات"), ("خلال", "الاعوام"), ("خلال", "العام"), ("العام", "المنصرم"),
     ("خلال", "الاشهر"), ("خلال", "الشهر"), ("العامين", "الماضيين"), ("الحرب", "الاهليه"),
     ("عام", "2011"), ("في", "حرب"), ("منذ", "2011"), ("مجمل", "الحرب"), ("حصيله", "الحرب"),
     ("خلال", "عام"), ("في", "عام"), ("العام", "الفائت"), ("السنوات", "الماضيه"), ("الاشهر", "الماضيه"),
     ("الاعوام", "الماضيه"), ("الاسابيع", "الماضيه"), ("اجمالي", "الحرب"), ("ضحايا", "الحرب"),
     ("قتلي", "الحرب"), ("ضحايا", "النزاع"), ("في", "المجمل"), ("مطلع", "الاسبوع"), ("مطلع", "الشهر"),
     ("اوائل", "الشهر"), ("اواخر", "الشهر"), ("مطلع", "العام"), ("بدايه", "الاسبوع"), ("بدايه", "الشهر"),
     # a period of weeks or more ending now is an accumulated toll ("في الأسابيع الأخيرة", "هذا الأسبوع")
     ("الاسابيع", "الاخيره"), ("الاشهر", "الاخيره"), ("الشهور", "الاخيره"), ("الشهور", "الماضيه"),
     ("السنوات", "الاخيره"), ("الاعوام", "الاخيره"), ("الاسبوعين", "الماضيين"), ("الاسبوعين", "الاخيرين"),
     ("الشهرين", "الماضيين"), ("الشهرين", "الاخيرين"), ("هذا", "الاسبوع"), ("هذا", "الشهر"),
     ("الاسبوع", "الجاري"), ("الاسبوع", "الحالي"),
     # a campaign in its second week, its fifth day …: its toll runs since it began ("التي تدخل أسبوعها الثاني")
     *((p, o) for p in ("يومها", "اسبوعها", "شهرها", "عامها", "يومه", "اسبوعه", "شهره", "عامه")
       for o in ("الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر")),
     # last summer, last winter …: an earlier season
     *((season, "الماضي") for season in ("الصيف", "الشتاء", "الربيع", "الخريف")),
     # a day named by another event is an earlier day ("في ذلك اليوم", "في اليوم الذي افتتحت فيه")
     ("ذلك", "اليوم"), ("اليوم", "الذي"), ("تلك", "الليله"), ("ذلك", "الوقت"), ("ذلك", "الحين"),
     *((m, "الماضي") for m in ("يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس",
                                "سبتمبر", "اكتوبر", "نوفمبر", "ديسمبر", "كانون", "شباط", "اذار", "نيسان",
                                "ايار", "حزيران", "تموز", "اب", "ايلول", "تشرين"))])
BACKGROUND_SINGLE: frozenset[str] = frozenset(["سابقا", "اجمالا", "الاجماليه", "غداه", "وغداه", "انذاك", "حينها",
                                               "حينذاك", "وقتها", "انذاك",
                                               # an epidemic's toll runs over its whole course
                                               "وباء", "الوباء", "الكوليرا", "بالكوليرا", "الدفتيريا",
                                               "بالدفتيريا"])
# Soft cues: background unless the clause names today's time. A campaign said to be ongoing carries
# its running toll ("في القصف المتواصل على الغوطة"); a sentence opened by كان tells an earlier event
# ("وكان 3 قتلوا في الجمعة الماضية").
CAMPAIGN_NOUNS: frozenset[str] = frozenset(
    p + w for w in ("القصف", "الحمله", "المعارك", "الغارات", "الهجمات", "العمليات", "الهجوم", "العمليه",
                    "المواجهات", "الاشتباكات", "الاحتجاجات", "التظاهرات")
    for p in ("", "و", "ب", "وب", "ل", "ف"))
ONGOING_ADJ: frozenset[str] = frozenset(["المتواصل", "المتواصله", "المستمر", "المستمره", "الجاري", "الجاريه"])
IN_CAMPAIGN: frozenset[str] = frozenset(["في", "خلال", "جراء", "طوال", "وسط", "طيله"])
PLUPERFECT_OPENERS: frozenset[str] = frozenset(["كان", "وكان", "كانت", "وكانت", "وكانوا", "كانوا"])
# ... unless كان frames an earlier report ("وكانت وسائل إعلام قد نعت سبعة"): often of the same event.
REPORT_VERBS: frozenset[str] = frozenset(
    ["نعت", "نعي", "نعوا", "اعلن", "اعلنت", "افاد", "افادت", "ذكر", "ذكرت", "قال", "قالت", "اكد", "اكدت",
     "اشار", "اشارت", "تحدث", "تحدثت", "وثق", "وثقت", "اورد", "اوردت", "نقل", "نقلت", "افادوا", "قالوا"])
# Harms whose victims (ضحايا التحرش) are no casualties, in matching form without the article.
NON_LETHAL_HARMS: frozenset[str] = frozenset(
    ["تحرش", "اغتصاب", "اختراق", "تشابه", "عبوديه", "تهميش", "احتيال", "نصب", "ابتزاز", "اتجار", "فساد",
     "تمييز", "استغلال", "تنمر", "قرصنه", "تزوير", "غش", "سرقه", "اختلاس"])
# "أحد القتلى", "إحدى الضحايا": a member of a group counted elsewhere, not a figure of its own.
ONE_OF_GROUP: frozenset[str] = frozenset(["احد", "احدي"])
# Number words that follow their noun ("مقاتلين اثنين"): the noun before them is what is counted.
TWO_AFTER_NOUN: frozenset[str] = frozenset(["اثنين", "اثنان", "اثنتين", "اثنتان"])
# "قُتل 20، هم 16 طفلا و4 نساء": a breakdown opened by a pronoun right after a figure.
BREAKDOWN_PRONOUNS: frozenset[str] = frozenset(["هم", "وهم", "هما", "وهما", "هن", "وهن"])
# Sides of a fight by the who label: a smaller figure of another side is not part of a larger one
# ("القضاء على 13 مسلحا … واستشهاد ضابطين").
SIDES: dict[str, str] = {
    **dict.fromkeys(["fighters", "perpetrators", "suspects"], "armed"),
    **dict.fromkeys(["soldiers", "police", "officers", "pilots"], "forces"),
    **dict.fromkeys(["civilians", "women", "children", "protesters", "journalists", "medics", "migrants"],
                    "civilians"),
}
# Words that add a figure to the ones before rather than break them down ("وقالت الوكالة أيضا إن
# مدنيين اثنين قتلا", "بالمقابل، قالت مصادر حكومية إن … مقتل ثلاثة").
ADDITION_WORDS: frozenset[str] = frozenset(["ايضا", "بالمقابل", "وبالمقابل", "المقابل"])
# Word pairs naming the other side or another front ("وعلى الطرف الآخر"، "على جبهة أخرى"), which add as well.
OTHER_SIDE_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [("الطرف", "الاخر"), ("الجانب", "الاخر"), ("جبهه", "اخري"), ("الجبهه", "الاخري")])
# A word right after a count (or the count itself) that adds it to the figures before rather than
# restating or breaking them down: "12 شخصا آخرين"، "وقتل آخر"، "ووفاة ثالث".
ADDITIVE_AFTER: frozenset[str] = frozenset(
    ["اخرين", "اخرون", "اخر", "اخري", "اخريات", "اخريين", "ثالث", "ثالثه", "رابع", "رابعه", "خامس", "خامسه"])
# Nationalities after a singular victim: "جندي بريطاني" and "الجندي الأميركي" are two people.
NATIONALITIES: frozenset[str] = frozenset(
    ["بريطاني", "اميركي", "امريكي", "فرنسي", "روسي", "تركي", "ايراني", "سوري", "عراقي", "مصري", "سعودي",
     "اسرائيلي", "فلسطيني", "لبناني", "اردني", "يمني", "اماراتي", "كويتي", "قطري", "بحريني", "عماني",
     "الماني", "ايطالي", "كندي", "استرالي", "صيني", "ياباني", "هندي", "باكستاني", "افغاني", "ليبي", "تونسي",
     "جزائري", "مغربي", "سوداني", "كردي", "اسباني", "هولندي", "بلجيكي", "سويدي", "دنماركي", "نرويجي"])
# Who carried out a strike: the word after an attack noun ("الغارات الروسية"، "قصف القوات الحكومية") or a
# firing verb ("قذائف أطلقتها فصائل مسلحة"). Tolls of different attackers are different incidents; allies
# (the Syrian government and Russia; the US and the coalition) share a label.
STRIKE_NOUNS: frozenset[str] = frozenset(
    ["غاره", "غارات", "قصف", "ضربه", "ضربات", "قذائف", "قذيفه", "صواريخ", "صاروخ", "هجوم", "هجمات",
     "طائرات", "طائره", "طيران", "مدفعيه", "براميل"])
STRIKE_FILLERS: frozenset[str] = frozenset(
    ["جويه", "الجويه", "جوي", "الجوي", "مدفعي", "المدفعي", "والمدفعي", "صاروخي", "الصاروخي", "صاروخيه",
     "الصاروخيه", "هاون", "الهاون", "بري", "البري", "والبري", "حربي", "الحربي", "حربيه", "الحربيه", "قوات",
     "القوات", "لقوات", "للقوات", "الجيش", "للجيش", "طائرات", "لطائرات", "الطائرات", "طائره", "لطائره", "مسيره",
     "المسيره", "مكثف", "المكثف", "عنيف", "العنيف", "جديده", "جديد"])
FIRING_VERBS: frozenset[str] = frozenset(
    ["اطلقتها", "اطلقها", "شنتها", "شنها", "نفذتها", "نفذها", "استهدف", "استهداف", "باستهداف"])
FIRING_GROUPS: frozenset[str] = frozenset(["مجموعات", "مجموعه", "عناصر", "جماعات"])
AGENTS: dict[str, str] = {
    **dict.fromkeys(["النظام", "الحكوميه", "الحكومي", "حكوميه", "حكومي", "الروسيه", "الروسي", "روسيه",
                     "روسي", "روسيا"], "syrian government"),
    **dict.fromkeys(["التركيه", "التركي", "تركيه", "تركي", "تركيا"], "turkey"),
    **dict.fromkeys(["الاسرائيلي", "الاسرائيليه", "اسرائيلي", "اسرائيليه", "اسرائيل", "الاحتلال"], "israel"),
    **dict.fromkeys(["الاميركيه", "الاميركي", "اميركيه", "اميركي", "الامريكيه", "الامريكي", "امريكيه",
                     "امريكي", "التحالف"], "us and coalition"),
    **dict.fromkeys(["المعارضه", "الفصائل", "فصائل", "مسلحه", "المسلحه", "المسلحين", "مسلحين", "المتمردين",
                     "متمردين"], "rebels"),
    **dict.fromkeys(["الحوثي", "الحوثيين", "الحوثيون", "الحوثيه", "حوثيه"], "houthis"),
    **dict.fromkeys(["داعش", "التنظيم", "الجهاديين", "جهاديين"], "jihadists"),
    **dict.fromkeys(["الكرديه", "الكردي", "كرديه", "كردي", "الاكراد"], "kurds"),
}
# People treated for gas: "18 شخصا عولجوا بالأكسجين"، "تلقوا علاجا من أعراض الاختناق" are wounded (choking
# cases are; a bare "treated in hospital" is not read: it restates or widens a hurt count).
TREATED_VERBS: frozenset[str] = frozenset(["عولجوا", "عولجا"])
RECEIVE_VERBS: frozenset[str] = frozenset(["تلقوا", "تلقيا", "يتلقون", "خضعوا", "يخضعون"])
TREATMENT_NOUNS: frozenset[str] = frozenset(["علاجا", "العلاج", "للعلاج"])
# Stems of a gas injury in the words after the treatment (oxygen, symptoms, choking, breathing).
GAS_SIGN_STEMS: tuple[str, ...] = ("كسجين", "اختناق", "التنفس")
GAS_SIGN_REACH = 4
# Relative pronouns after counted people ("سبعة أشخاص ممن يتلقون العلاج مصابون").
RELATIVE_PRONOUNS: frozenset[str] = frozenset(["ممن", "الذين", "اللذين", "اللتين", "اللاتي", "اللواتي"])
# Event nouns: the definite one in a sentence right after a background one names that earlier event
# ("… بعد يومين من إحباط هجوم. وقتل خلال إحباط الهجوم 8").
EVENT_NOUNS: frozenset[str] = frozenset(
    ["هجوم", "غاره", "تفجير", "انفجار", "اعتداء", "كمين", "قصف", "مجزره", "حادث", "حادثه", "هجمات", "غارات",
     "تفجيرات", "اشتباكات", "مواجهات", "معارك", "احتجاجات", "تظاهرات", "عمليه"])
# "قبل أسبوع", "قبل أشهر": a week or more ago.
AGO_PERIODS: frozenset[str] = frozenset(["اسبوع", "اسبوعين", "شهر", "شهرين", "اسابيع", "اشهر", "شهور", "عام",
                                         "عامين", "سنه", "سنتين", "سنوات", "اعوام"])
# Words that keep a following sentence in the time of the one before ("وأصيب أيضا …").
ALSO_WORDS: frozenset[str] = frozenset(["ايضا", "كذلك"])
# A war, conflict or uprising named in the figure's sentence: its toll, not today's (definite forms).
WAR_NOUNS: frozenset[str] = frozenset(
    p + w for w in ("الحرب", "النزاع", "الصراع", "الانتفاضه", "التمرد") for p in ("", "و", "ب", "وب", "ف"))
# "حتى الآن", "إلى الآن": a running total so far.
SO_FAR_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [("حتي", "الان"), ("الي", "الان"), ("لحد", "الان"), ("حتي", "اللحظه"), ("لغايه", "الان"),
     # a count up to a point of the month or year: "وحتى بداية مايو، … مما أسفر عن مقتل 89"
     *((h, p) for h in ("حتي", "وحتي") for p in ("بدايه", "مطلع", "منتصف", "نهايه", "اواخر"))])
SO_FAR_FIRST: frozenset[str] = frozenset(a for a, _ in SO_FAR_PAIRS)
# After منذ, only these keep a figure current ("منذ ساعات الصباح"); any other منذ is a period.
MUNDHU_NOW: frozenset[str] = frozenset(["ساعات", "ساعه", "الصباح", "صباح", "فجر", "الفجر", "الليله", "ليل",
                                        "مساء", "المساء", "امس", "البارحه",
                                        "دقائق", "قليل", "لحظات", "ظهر", "الظهر"])
# After خلال, a period longer than the day's news.
KHILAL_PERIOD: frozenset[str] = frozenset(
    ["الحرب", "النزاع", "الصراع", "السنوات", "الاعوام", "العام", "الاشهر", "الشهور", "الشهر", "الشهرين",
     "الاسابيع", "الفتره", "هذه", "الحمله", "حمله", "العمليه", "الانتفاضه", "عام", "سنوات", "اعوام", "اشهر",
     "شهور", "اسابيع", "العقود", "عقود", "العقد", "التدخل", "الاحتلال"])
# "قبل أربع سنوات": a count of years after قبل is an earlier time (without قبل, "(30 عاما)" is an age).
YEAR_DURATIONS: frozenset[str] = frozenset(["سنوات", "سنه", "اعوام", "عاما", "سنين"])
# Durations of days to months after a count ("خمسة أيام من الغارات"); years are left out (ages).
DURATION_NOUNS: frozenset[str] = frozenset(
    ["ايام", "يوما", "اسابيع", "اسبوعا", "اشهر", "شهرا", "شهور", "يومين", "اسبوعين", "شهرين"])
DUAL_DURATIONS: frozenset[str] = frozenset(["يومين", "اسبوعين", "شهرين"])
# "منذ بداية الاحتجاجات": a since-phrase on the start of a campaign is a running count's time; in the text
# before a figure sentence with no time of its own it dates that sentence (a strong earlier-context mark)
SINCE_START: frozenset[str] = frozenset(["بدايه", "بدء", "اندلاع", "انطلاق", "انطلاقه", "بدايات"])
# Words before a duration that make it an accumulated or earlier span ("في خمسة أيام", "بعد يومين").
SPAN_OPENERS: frozenset[str] = frozenset(["في", "خلال", "بعد", "قبل", "طوال", "مدي", "مدار", "غضون", "وبعد",
                                          "وقبل", "وخلال", "ضحايا", "حصيله", "قتلي"])
# Plural durations with no count after قبل are an earlier time ("قتل جنديا قبل أيام"): a soft cue.
AGO_PLURALS: frozenset[str] = frozenset(["ايام", "اسابيع", "اشهر", "شهور"])
# Singular durations count as an earlier span only right after بعد/قبل ("وبعد نحو أسبوع من الصمت").
SINGLE_DURATIONS: frozenset[str] = frozenset(["اسبوع", "شهر"])
APPROX_SKIP: frozenset[str] = frozenset(["نحو", "حوالي", "قرابه", "زهاء", "اكثر", "اقل", "من"])
# Tolls this large come from wars, famines or disasters: without a disaster named in the sentence
# they are a war's toll, not the current incident's.
WAR_SCALE = 10000
# A killed figure this large is a campaign's or a war's count, not one event's (disasters aside).
CAMPAIGN_KILLED = 500
DISASTER_STEMS: tuple[str, ...] = ("زلزال", "عاصف", "فيضان", "مجاع", "اعصار", "تسونامي", "وباء", "كارث",
                                   "هزه", "انهيار", "سيول")
# Violence a headline can tell besides the casualty cues: a story whose headline tells none of it and
# whose first toll comes late reports something else (reactions, a trial, a feature), and that toll is
# context (docs/casualties.md, round 12).
HEADLINE_EVENT_WORDS: frozenset[str] = frozenset(
    [*STRIKE_NOUNS, *ATTACK_NOUNS, "انفجار", "انفجارات", "اشتباك", "اشتباكات", "معارك", "معركه", "مجزره",
     "مذبحه", "اغتيال", "كمين", "قنص", "رصاص", "حادث", "تحطم", "غرق", "حريق", "اقتتال", "مواجهات"])
# A superlative before منذ makes a comparison ("أسوأ يوم منذ حرب 2014"), not the figure's time.
SUPERLATIVES: frozenset[str] = frozenset(
    ["اسوا", "الاسوا", "اعنف", "الاعنف", "اشد", "الاشد", "اعلي", "الاعلي", "اكبر", "الاكبر", "اخطر",
     "الاخطر", "اول", "الاول", "ادمي", "الادمي", "الاكثر", "دمويه", "اكثر"])
# "ويأتي الهجوم بعد …", "وجاء القرار بعد …": what follows the after-word happened earlier.
COMES_AFTER_OPENERS: frozenset[str] = frozenset(
    ["ياتي", "وياتي", "تاتي", "وتاتي", "جاء", "وجاء", "جاءت", "وجاءت", "يجيء", "وتجيء", "وذلك"])
AFTER_WORDS: frozenset[str] = frozenset(["بعد", "غداه", "عقب", "اثر", "بعدما", "وبعد"])
# Openers of a clause after the figure's that put the figure in that clause's time (not غداة: "…، غداة
# مقتل خمسة" is the day after that event).
TRAILING_OPENERS: frozenset[str] = frozenset(["منذ", "خلال", "طوال", "في", "وذلك", "بعد", "حتي",
                                              # the cause's time: "قتل 26، جراء ضربات استهدفت في نهاية نيسان"
                                              "جراء", "اثر", "عقب"])
# A sentence opened as an aside ("يذكر أن"، "تجدر الإشارة إلى أن"): background told in passing (a soft cue).
ASIDE_OPENERS: frozenset[str] = frozenset(["يذكر", "ويذكر", "يشار", "ويشار"])
ASIDE_PAIRS: frozenset[tuple[str, str]] = frozenset([("تجدر", "الاشاره"), ("وتجدر", "الاشاره")])
# Today's time in the figure's clause keeps it current.
NOW_WORDS: frozenset[str] = frozenset(["اليوم", "الليله", "حاليا", "صباح", "فجر", "ظهر", "صباحا", "فجرا",
                                       "ظهرا", "ليلا", "امس", "البارحه"])
# Openers of a sentence that turns to another story ("من جهة أخرى، أعلن المرصد مقتل 12"): it takes no
# time from the text before it.
TOPIC_SHIFT_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [("جهه", "اخري"), ("ناحيه", "اخري"), ("سياق", "اخر"), ("سياق", "منفصل"), ("صعيد", "اخر"),
     ("جانب", "اخر"), ("جبهه", "اخري")])
TOPIC_SHIFT_WORDS: frozenset[str] = frozenset(["ميدانيا", "وميدانيا"])
# Sentence openers that continue the previous sentence's scope ("كما أصيب 1700").
CONTINUATIONS: frozenset[str] = frozenset(["كما", "وكما", "كذلك", "وكذلك"])
# "الاثنين" is Monday unless it follows the people counted ("الجنديين الاثنين").
WEEKDAY_TWO: frozenset[str] = frozenset(["الاثنين", "والاثنين", "بالاثنين"])
# Monday first, as date.weekday().
WEEKDAYS: tuple[tuple[str, ...], ...] = tuple(
    (w, "و" + w, "ب" + w) for w in ("الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد"))
MONTHS: dict[str, int] = {
    p + w: m
    for m, names in enumerate(
        (("يناير", "جانفي"), ("فبراير", "شباط", "فيفري"), ("مارس", "اذار"), ("ابريل", "نيسان", "افريل"),
         ("مايو", "ايار", "ماي"), ("يونيو", "حزيران", "جوان"), ("يوليو", "تموز", "جويليه"),
         ("اغسطس", "اب", "اوت"), ("سبتمبر", "ايلول"), ("اكتوبر", "تشرين"), ("نوفمبر",),
         ("ديسمبر", "كانون")), start=1)
    for w in names for p in ("", "و", "ب")
}
del MONTHS["اب"], MONTHS["واب"], MONTHS["باب"]  # "أب" is also "father"; "آب" alone is too ambiguous
ORDINAL_DAYS: dict[str, int] = {
    w: d for d, w in enumerate(("الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع",
                                "الثامن", "التاسع", "العاشر"), start=1)}
# A figure at least this large repeated elsewhere with a background cue is that background figure.
MIN_REPEAT_COUNT = 10

# Explicit "another incident" phrases.
OTHER_INCIDENT_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [(a, b) for a in ("حادث", "حادثه", "هجوم", "غاره", "قصف", "تفجير", "انفجار", "اشتباك", "اشتباكات",
                      "كمين", "عمليه", "حادثه")
     for b in ("اخر", "اخري", "منفصل", "منفصله", "ثان", "ثاني", "ثانيه", "مماثل", "مماثله")])
# Nouns that may follow "في" without being a place.
NOT_PLACE: frozenset[str] = frozenset(
    ["هجوم", "قصف", "غاره", "غارات", "انفجار", "معارك", "معركه", "اشتباكات", "اشتباك", "مواجهات",
     "عمليه", "عمليات", "كمين", "تفجير", "حادث", "حادثه", "حين", "ذلك", "وقت", "اعقاب", "اطار", "ظل",
     "اثناء", "سياق", "هذا", "هذه", "تلك", "المنطقه", "المدينه", "منطقه", "مدينه", "بيان", "تصريح",
     "تصريحات", "حصيله", "ساعات", "اليوم", "يوم", "الليل", "صباح", "مساء", "ليل", "الشهر", "العام",
     "حديث", "مقابله", "المقابل", "المستشفي", "مستشفي", "المستشفيات", "حال", "الحال", "ضوء", "محيط",
     "قرب", "مناطق", "عده", "مختلف", "عدد", "اشاره", "تقرير", "صفوف", "صفوفه", "صفوفهم", "عداد",
     "الجانب", "الداخل", "الخارج", "هجمات", "تبادل", "اطلاق", "القصف", "الهجوم", "الغاره", "الانفجار",
     "المعارك", "الاشتباكات", "الوقت", "الاثناء", "السياق", "الاطار", "اعتداء", "مجزره", "قصفا",
     "بلده", "قريه", "مخيم", "حي", "ريف", "محافظه", "ولايه", "شمال", "جنوب", "شرق", "غرب", "وسط",
     "مواقع", "موقع", "سلسله", "وقت", "الصباح", "المساء", "غضون", "الوقت", "منزل", "منازل", "سياره",
     "ارض", "الارض", "صفوف", "اماكن", "مكان", "اعقاب", "محاوله", "داخل", "خارج", "نهايه", "بدايه",
    "البدايه", "النهايه", "العاصمه", "البلده", "القريه", "المخيم", "الحي", "الريف", "المحافظه",
    "مقطع", "فيديو", "تسجيل", "مواقع", "اشتباك", "تصعيد", "التصعيد", "الحرب", "حرب", "النزاع",
     "اطار", "اتجاه", "حاله", "المكان", "مكان", "الموقع", "البلاد", "الاراضي", "المنطقتين", "كل",
     "بعض", "جميع", "اكثر", "نفس", "ذات", "حصيلته", "عداد", "الشارع", "شارع", "طريق", "الطريق"])
PLACE_TYPES: frozenset[str] = frozenset(
    ["مدينه", "بلده", "قريه", "محافظه", "ريف", "حي", "مخيم", "منطقه", "ولايه", "قضاء", "ناحيه", "شمال",
     "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط", "بلدات", "قري", "مدن", "ريفي",
     "مناطق", "محيط", "اطراف", "ضواحي", "مديريه", "معبر", "حاره"])
# Words introducing a group name after "عناصر": "عناصر من ميليشيا حزب الله".
GROUP_NOUNS: frozenset[str] = frozenset(
    ["حزب", "حركه", "تنظيم", "هيئه", "جماعه", "كتائب", "سرايا", "ميليشيا", "مليشيا", "ميليشيات",
     "قوات", "الجيش", "جيش", "فصائل", "فصيل", "لواء", "الحشد", "حشد", "الشرطه", "الامن", "قوي"])
GROUP_SKIP: frozenset[str] = frozenset(["ميليشيا", "مليشيا", "ميليشيات", "تنظيم", "جماعه"])
ARMY_WORDS: frozenset[str] = frozenset(["الجيش", "جيش", "القوات", "قوات", "الحرس"])
POLICE_WORDS: frozenset[str] = frozenset(["الشرطه", "الامن", "شرطه", "امن"])
NEGATIONS: frozenset[str] = frozenset(["لم", "لا", "دون", "عدم", "بدون", "ينف", "نفي", "نفت", "تنفي"])
# A forecast is no toll: "قد" before an imperfect verb ("قد تصل إلى 180") and ربما mean "may"
# ("قد ارتفعت" with a past verb is certain and stays).
HEDGED_VERBS: frozenset[str] = frozenset(
    ["يصل", "تصل", "يرتفع", "ترتفع", "يبلغ", "تبلغ", "يتجاوز", "تتجاوز", "يفوق", "تفوق", "يزيد", "تزيد"])
HEDGES: frozenset[str] = frozenset(["قد", "وقد", "ربما", "وربما"])


def expand(words: Mapping[str, str] | Iterable[str], *, definite: bool = True) -> dict[str, tuple[str, str]]:
    """Map every clitic-prefixed variant to ``(base, prefix)``; bare forms win on collisions."""
    bases = list(words)
    out: dict[str, tuple[str, str]] = {}
    for p in reversed(PREFIXES):
        if not definite and "ال" in p:
            continue
        for w in bases:
            if "ال" in p and w.startswith("ال"):
                continue
            out[p + w] = (w, p)
    return out
