"""Deterministic Arabic test corpus for near-duplicate quality bars.

* ``base_articles()``: 30 reports (6 countries × 5 kinds of event), ~300 words each, written from
  sentence templates with place, actor, date and figure slots.
* ``syndicated(article, seed)``: what another outlet publishes from the same report: credit
  prefix/suffix, other title, last paragraphs reordered, an "اقرأ أيضاً" teaser, diacritics,
  alef/ya variants, Arabic-Indic digits, ~10% of sentences edited.
* ``sibling(article, seed)``: a DIFFERENT event of the same kind in the same town (another day,
  other figures, villages and wording): it must stay a separate story.

Everything is seeded, so the measured precision and recall are exact and repeatable.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

# --- places and actors -----------------------------------------------------------------------

COUNTRIES: dict[str, dict[str, list[str] | str]] = {
    "syria": {
        "name": "سوريا",
        "towns": ["سراقب|إدلب|آفس،سرمين،النيرب،تل مرديخ،داديخ،كفربطيخ",
                  "الأتارب|حلب|كفرنوران،تقاد،كفرعمة،أبين،الجينة،كفرناها",
                  "معرة النعمان|إدلب|كفروما،حيش،معرشورين،الدير الشرقي،تلمنس،جرجناز",
                  "درعا البلد|درعا|طفس،اليادودة،المزيريب،نصيب،صيدا،الجيزة",
                  "جسر الشغور|إدلب|بداما،الناجية،اشتبرق،الكندة،السرمانية،فريكة"],
        "actors": ["القوات الحكومية", "الطائرات الروسية", "فصائل المعارضة المسلحة", "الميليشيات الموالية لإيران"],
        "monitor": "المرصد السوري لحقوق الإنسان",
        "rescue": "الدفاع المدني السوري",
    },
    "iraq": {
        "name": "العراق",
        "towns": ["الفلوجة|الأنبار|الكرمة،الصقلاوية،عامرية الفلوجة،البوعلوان،الحلابسة،النعيمية",
                  "سامراء|صلاح الدين|الجلام،المعتصم،الدور،العوينات،الإسحاقي،مطيبيجة",
                  "طوزخورماتو|صلاح الدين|آمرلي،سليمان بيك،ينكجة،بسطاملي،قادر كرم،البو حسن",
                  "سنجار|نينوى|سنوني،خانصور،تل عزير،كرسي،بارة،القحطانية",
                  "بعقوبة|ديالى|المقدادية،بهرز،الخالص،أبو صيدا،العبارة،كنعان"],
        "actors": ["تنظيم داعش", "مسلحون مجهولون", "القوات العراقية", "فصائل مسلحة"],
        "monitor": "خلية الإعلام الأمني",
        "rescue": "الدفاع المدني العراقي",
    },
    "yemen": {
        "name": "اليمن",
        "towns": ["تعز|تعز|صبر الموادم،الضباب،الوازعية،مقبنة،جبل حبشي،المسراخ",
                  "مأرب|مأرب|صرواح،الجوبة،رحبة،حريب،مدغل،العبدية",
                  "الحديدة|الحديدة|الدريهمي،التحيتا،حيس،بيت الفقيه،الخوخة،زبيد",
                  "صعدة|صعدة|رازح،شدا،باقم،كتاف،منبه،الظاهر",
                  "الضالع|الضالع|قعطبة،مريس،دمت،الحشاء،جبن،الأزارق"],
        "actors": ["جماعة الحوثي", "قوات الحكومة الشرعية", "طائرات التحالف", "مسلحون قبليون"],
        "monitor": "مكتب حقوق الإنسان في المحافظة",
        "rescue": "فرق الإسعاف المحلية",
    },
    "gaza": {
        "name": "قطاع غزة",
        "towns": ["خان يونس|جنوب القطاع|عبسان،بني سهيلا،القرارة،خزاعة،المواصي،الفخاري",
                  "رفح|جنوب القطاع|تل السلطان،الشابورة،الجنينة،خربة العدس،يبنا،الشوكة",
                  "جباليا|شمال القطاع|بيت لاهيا،بيت حانون،تل الزعتر،الفالوجا،النزلة،العطاطرة",
                  "دير البلح|وسط القطاع|النصيرات،البريج،المغازي،الزوايدة،المصدر،وادي السلقا",
                  "الشجاعية|مدينة غزة|التفاح،الزيتون،الدرج،الصبرة،الرمال،تل الهوى"],
        "actors": ["الطائرات الإسرائيلية", "المدفعية الإسرائيلية", "القوات الإسرائيلية", "الزوارق الحربية الإسرائيلية"],
        "monitor": "وزارة الصحة في غزة",
        "rescue": "الدفاع المدني في غزة",
    },
    "lebanon": {
        "name": "لبنان",
        "towns": ["بنت جبيل|الجنوب|عيناثا،عيترون،مارون الراس،يارون،كونين،عين إبل",
                  "الخيام|النبطية|كفركلا،دير ميماس،إبل السقي،القليعة،مرجعيون،بلاط",
                  "صور|الجنوب|قانا،الحنية،المنصوري،مجدل زون،البازورية،طيرحرفا",
                  "بعلبك|البقاع|بريتال،النبي شيت،حوش الرافقة،شمسطار،دورس،إيعات",
                  "النبطية|النبطية|كفررمان،حبوش،زبدين،عربصاليم،جرجوع،كفرتبنيت"],
        "actors": ["الطيران الإسرائيلي", "المدفعية الإسرائيلية", "مسيرة إسرائيلية", "مسلحون مجهولون"],
        "monitor": "وزارة الصحة اللبنانية",
        "rescue": "الدفاع المدني اللبناني",
    },
    "libya": {
        "name": "ليبيا",
        "towns": ["سرت|الوسطى|هراوة،بوهادي،الوشكة،القرضابية،أبوقرين،الجفرة",
                  "ترهونة|الغربية|قصر الأخيار،سوق الخميس،الداوون،العربان،مسلاتة،القويعة",
                  "غريان|الجبل الغربي|الأصابعة،ككلة،القواليش،يفرن،العزيزية،الهيرة",
                  "مصراتة|الوسطى|زليتن،الدافنية،تاورغاء،السكت،الزروق،قصر أحمد",
                  "طرابلس|الغربية|عين زارة،صلاح الدين،أبوسليم،وادي الربيع،قصر بن غشير،السواني"],
        "actors": ["قوات حكومة الوحدة الوطنية", "قوات القيادة العامة", "كتيبة مسلحة", "مجموعات مسلحة متنافسة"],
        "monitor": "جهاز الإسعاف والطوارئ",
        "rescue": "الهلال الأحمر الليبي",
    },
}

KINDS = ["shelling", "airstrike", "clashes", "humanitarian", "politics"]
DAYS = ["السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة"]
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
          "نوفمبر", "ديسمبر"]
SAID = ["قال", "أفاد", "ذكر", "أوضح", "أكد"]
VICTIMS = ["مدنيين", "أشخاص", "مواطنين", "سكان"]
TIMES = ["فجر", "صباح", "مساء", "ليل", "ظهر"]
WEAPONS = ["قذائف الهاون", "الصواريخ الموجهة", "القذائف المدفعية", "راجمات الصواريخ"]
ORGS = ["منظمة الصحة العالمية", "برنامج الأغذية العالمي", "منظمة أطباء بلا حدود", "اللجنة الدولية للصليب الأحمر",
        "منظمة اليونيسف", "مفوضية الأمم المتحدة لشؤون اللاجئين"]
OFFICIALS = ["رئيس المجلس المحلي", "مدير المستشفى الميداني", "مسؤول محلي", "ناطق باسم السلطات المحلية",
             "قيادي ميداني", "مصدر طبي"]

# --- sentence templates -----------------------------------------------------------------------

LEADS = {
    "shelling": [
        "قتل {killed} {victims} وأصيب {injured} آخرون، {time} يوم {day}، جراء قصف مدفعي وصاروخي نفذته {actor} على مدينة {town} في {province}.",
        "سقط {killed} قتلى و{injured} جرحى في قصف بـ{weapon} استهدف أحياء سكنية في مدينة {town} {time} {day} الماضي.",
        "أدى قصف عنيف شنته {actor} على {town} وقرية {village} إلى مقتل {killed} {victims} وإصابة {injured} بجروح متفاوتة.",
    ],
    "airstrike": [
        "قتل {killed} {victims} وجرح {injured} آخرون في غارات جوية شنتها {actor} {time} يوم {day} على مدينة {town} ومحيطها.",
        "استهدفت غارة جوية نفذتها {actor} منزلا في حي {village} بمدينة {town}، ما أسفر عن مقتل {killed} أشخاص وإصابة {injured}.",
        "شنت {actor} سلسلة غارات على بلدة {village} ومدينة {town} في {province}، وأفادت مصادر طبية بمقتل {killed} وإصابة {injured}.",
    ],
    "clashes": [
        "اندلعت اشتباكات عنيفة {time} يوم {day} بين {actor} و{actor2} على أطراف مدينة {town}، وأسفرت عن مقتل {killed} من الطرفين.",
        "قتل {killed} مسلحين وأصيب {injured} آخرون في مواجهات بين {actor} و{actor2} قرب بلدة {village} في ريف {town}.",
        "تجددت المعارك بين {actor} و{actor2} في محيط {town}، في حصيلة أولية بلغت {killed} قتلى و{injured} جرحى.",
    ],
    "humanitarian": [
        "حذرت {org} من تدهور الأوضاع الإنسانية في مدينة {town} بعد نزوح نحو {displaced} أسرة خلال الأيام الماضية.",
        "وصلت قافلة مساعدات تضم {trucks} شاحنة إلى مدينة {town} يوم {day}، في أول دخول للإغاثة منذ أسابيع.",
        "تعيش آلاف الأسر في {town} و{village} ظروفا صعبة مع نقص حاد في المياه والغذاء والدواء، وفق ما أعلنته {org}.",
    ],
    "politics": [
        "وصل وفد حكومي رفيع إلى مدينة {town} يوم {day} لبحث ترتيبات التهدئة مع الوجهاء والقيادات المحلية.",
        "أعلن {official} في {town} التوصل إلى اتفاق مبدئي لوقف التصعيد وتبادل المحتجزين بين الأطراف المتنازعة.",
        "عقدت القوى السياسية في {province} اجتماعا موسعا في مدينة {town} لمناقشة مستقبل الإدارة المحلية والخدمات.",
    ],
}

BODY = {
    "shelling": [
        "{said} {official} إن القذائف سقطت على منازل المدنيين وسوق شعبي مزدحم في وسط المدينة.",
        "وأضاف أن بين القتلى {children} أطفال وامرأتين، فيما نقل المصابون إلى مستشفيات {province}.",
        "وطال القصف أيضا قرية {village2} المجاورة، ما تسبب بأضرار مادية كبيرة في الممتلكات وشبكة الكهرباء.",
        "وأشار {monitor} إلى أن المنطقة تعرضت منذ {time} يوم {day} لأكثر من {shells} قذيفة.",
        "وقالت فرق {rescue} إنها انتشلت جثث الضحايا من تحت الأنقاض بعد ساعات من العمل المتواصل.",
        "واتهم ناشطون {actor} بتعمد استهداف الأحياء السكنية رغم خلوها من أي مواقع عسكرية.",
        "ولم يصدر عن {actor} أي تعليق رسمي على القصف حتى ساعة إعداد هذا التقرير.",
        "وتسبب القصف في اندلاع حرائق في عدد من المحال التجارية قرب ساحة البلدة الرئيسية.",
        "وتعد هذه أعنف موجة قصف تشهدها {town} منذ مطلع شهر {month}، بحسب سكان محليين.",
        "وأغلقت المدارس أبوابها في {town} و{village} خشية تجدد القصف خلال الساعات المقبلة.",
        "وشوهدت أعمدة الدخان تتصاعد من الحي الشرقي للمدينة فيما دوت صافرات سيارات الإسعاف.",
        "وأكد شهود عيان أن القذائف انهالت على الحي خلال دقائق قليلة دون سابق إنذار.",
    ],
    "airstrike": [
        "{said} {official} إن الطائرات حلقت على علو منخفض قبل أن تقصف المبنى بصاروخين على الأقل.",
        "وأوضح أن الغارة دمرت المبنى المؤلف من {floors} طوابق بشكل كامل وألحقت أضرارا بالمباني المجاورة.",
        "وتواصل فرق {rescue} البحث عن مفقودين تحت الركام وسط صعوبات كبيرة بسبب نقص المعدات الثقيلة.",
        "وأفاد {monitor} بأن الغارات طالت أيضا أطراف بلدة {village2} وطريقا زراعيا يربطها بالمدينة.",
        "وقالت مصادر طبية إن عددا من الجرحى في حالة حرجة، ما يرجح ارتفاع حصيلة الضحايا.",
        "وزعمت {actor} في بيان أنها استهدفت مخزنا للأسلحة ومقرا لقيادة جماعة مسلحة.",
        "غير أن سكان الحي نفوا وجود أي أهداف عسكرية في المكان، مؤكدين أن جميع الضحايا من المدنيين.",
        "وتشهد سماء {town} تحليقا مكثفا للطيران الحربي وطائرات الاستطلاع منذ {time} {day}.",
        "وهذه الغارة هي الثالثة على المدينة خلال شهر {month}، وفق إحصاءات ناشطين محليين.",
        "ونقل بعض المصابين إلى مستشفى ميداني في {village} بعد امتلاء مستشفى المدينة بالجرحى.",
        "وأظهرت صور متداولة حفرة كبيرة في موقع الغارة وسيارات محترقة على جانبي الطريق.",
        "وناشد الأهالي المنظمات الدولية التدخل لوقف استهداف المناطق المأهولة بالسكان.",
    ],
    "clashes": [
        "{said} {official} إن المعارك تركزت على محور {village} حيث حاولت {actor} التقدم نحو مواقع خصومها.",
        "واستخدم الطرفان الأسلحة الثقيلة والمتوسطة، فيما سمع دوي الانفجارات في أرجاء {town}.",
        "وأعلنت {actor2} أنها صدت الهجوم وكبدت المهاجمين خسائر في الأرواح والعتاد.",
        "وبين القتلى قائد ميداني بارز يدعى {commander}، بحسب مصادر مقربة من {actor}.",
        "وأفاد {monitor} بأن الاشتباكات امتدت إلى قرية {village2} وأجبرت عشرات العائلات على النزوح.",
        "وتمكنت {actor} من السيطرة على تلة استراتيجية تطل على الطريق الدولي قبل أن تنسحب منها.",
        "وأغلقت الطرق المؤدية إلى {town} بالكامل، وعلق مئات المسافرين عند الحواجز.",
        "وتبادل الطرفان الاتهامات بخرق التفاهمات السابقة والمسؤولية عن اندلاع المواجهات.",
        "وقالت مصادر ميدانية إن تعزيزات عسكرية وصلت إلى المنطقة {time} {day} تحسبا لجولة جديدة.",
        "وتعد هذه المواجهات الأعنف في محيط {town} منذ شهر {month} الماضي.",
        "وأسر مقاتلون من {actor2} عددا من عناصر {actor}، وفق تسجيل مصور نشر على مواقع التواصل.",
        "وتحدث سكان عن سماع إطلاق نار كثيف استمر حتى ساعات الصباح الأولى.",
    ],
    "humanitarian": [
        "{said} {official} إن المستشفيات في {town} تعمل بأقل من نصف طاقتها بسبب نقص الوقود والأدوية.",
        "وأضاف أن مخزون الطحين لا يكفي سوى {stock} أيام، وأن طوابير طويلة تمتد أمام المخابز يوميا.",
        "وأكدت {org} أن نحو {percent} في المئة من السكان يحتاجون إلى مساعدات غذائية عاجلة.",
        "وتوزعت العائلات النازحة على مراكز إيواء مؤقتة في المدارس والمساجد في {village} و{village2}.",
        "وسجلت الفرق الطبية {cases} حالة إصابة بأمراض معوية بين الأطفال نتيجة تلوث مياه الشرب.",
        "ودعت {org} الأطراف المتحاربة إلى فتح ممرات آمنة لإيصال المساعدات دون عوائق.",
        "وقالت إحدى النازحات إنها فرت مع أطفالها الخمسة سيرا على الأقدام دون أن تحمل شيئا من متاعها.",
        "وتعاني المدينة من انقطاع التيار الكهربائي لأكثر من {hours} ساعة يوميا منذ شهر {month}.",
        "وحذرت منظمات محلية من كارثة صحية مع ارتفاع درجات الحرارة وتراكم النفايات في الشوارع.",
        "وأشار {official} إلى أن {trucks2} شاحنة فقط دخلت المدينة خلال الشهر الماضي مقابل حاجة يومية أكبر بكثير.",
        "وأطلق ناشطون حملة تبرعات لتأمين الخبز والحليب للأطفال في مخيمات النزوح.",
        "ويخشى السكان أن يؤدي استمرار الحصار إلى موجة نزوح جديدة قبل حلول الشتاء.",
    ],
    "politics": [
        "{said} {official} إن الاجتماع ناقش آليات نشر قوة محلية مشتركة لحفظ الأمن في المدينة.",
        "وأضاف أن الأطراف اتفقت على تشكيل لجنة من {members} أعضاء لمتابعة تنفيذ البنود خلال شهر.",
        "ورحبت {org} بالخطوة واعتبرتها فرصة لتخفيف معاناة السكان وإعادة الخدمات الأساسية.",
        "في المقابل، رفضت قوى معارضة الاتفاق واعتبرته التفافا على مطالب الأهالي.",
        "ويتضمن الاتفاق إعادة فتح الطريق الرئيسي بين {town} و{village} أمام حركة المدنيين والبضائع.",
        "وأكد الوفد أن الحكومة ستخصص ميزانية طارئة لإعادة تأهيل المدارس والمستشفيات المتضررة.",
        "وشهدت ساحة المدينة وقفة احتجاجية شارك فيها العشرات للمطالبة بالإفراج عن المعتقلين.",
        "ومن المقرر أن تعقد جولة جديدة من المشاورات في {village2} مطلع الشهر المقبل.",
        "وقال محللون إن نجاح التهدئة في {town} قد يشكل نموذجا لمناطق أخرى في {province}.",
        "وكانت جولات سابقة من الحوار قد تعثرت في شهر {month} بسبب خلافات حول توزيع المناصب.",
        "وطالب وجهاء العشائر بضمانات مكتوبة لعدم تكرار الانتهاكات بحق السكان.",
        "وأشار {official} إلى أن الاتفاق لا يزال بحاجة إلى مصادقة القيادات العليا.",
    ],
}

GENERIC = [
    "وتشهد {province} توترا متصاعدا منذ أسابيع وسط مخاوف من انهيار التهدئة الهشة.",
    "ويعاني سكان المنطقة أصلا من أوضاع معيشية صعبة بعد سنوات من النزاع وتراجع الخدمات.",
    "ودعت الأمم المتحدة في بيان إلى ضبط النفس وحماية المدنيين والبنية التحتية.",
    "وتقدر منظمات محلية عدد سكان {town} بنحو {population} ألف نسمة بينهم آلاف النازحين.",
    "وسبق أن شهدت المدينة موجات مماثلة من العنف خلال العام الماضي.",
    "ويقول مراقبون إن التصعيد الأخير مرتبط بتعثر المفاوضات السياسية على المستوى الوطني.",
    "وتواصل فرق الإغاثة تقييم حجم الأضرار في الأحياء المتضررة تمهيدا لتقديم المساعدة.",
    "وأعرب سكان عن خشيتهم من تحول مدينتهم إلى ساحة مفتوحة لتصفية الحسابات.",
    "وتعذر الحصول على تعليق من الجهات الرسمية في {country} حول التطورات الأخيرة.",
    "ويأتي ذلك بعد يومين من زيارة قام بها مسؤولون أمميون إلى {province}.",
    "ويعتمد معظم الأهالي على الزراعة التي تضررت بشدة بسبب المعارك وانقطاع طرق النقل.",
    "ونشر ناشطون مقاطع مصورة تظهر حجم الدمار في الشوارع والمحال التجارية.",
]

TITLES = {
    "shelling": ["مقتل {killed} {victims} بقصف على {town}", "قصف عنيف يضرب {town} ويوقع {killed} قتلى",
                 "{town}: {killed} قتلى و{injured} جرحى بقصف مدفعي"],
    "airstrike": ["غارات جوية على {town} توقع {killed} قتلى", "{killed} قتلى بغارة استهدفت منزلا في {town}",
                  "قتلى وجرحى بغارات على {town} و{village}"],
    "clashes": ["اشتباكات عنيفة في محيط {town}", "{killed} قتلى في معارك قرب {town}",
                "تجدد المواجهات بين {actor} و{actor2} في {town}"],
    "humanitarian": ["تحذيرات من كارثة إنسانية في {town}", "نازحو {town} بين الجوع والبرد",
                     "مساعدات محدودة تصل إلى {town}"],
    "politics": ["اتفاق تهدئة في {town} وسط تحفظات", "وفد حكومي في {town} لبحث التهدئة",
                 "مشاورات سياسية في {town} حول مستقبل المدينة"],
}

TEASERS = ["مقتل قيادي في هجوم بطائرة مسيرة شمال البلاد", "الأمم المتحدة تطلق نداء لجمع التمويل الإنساني",
           "ارتفاع أسعار الوقود يفاقم معاناة السكان", "مباحثات جديدة في جنيف الأسبوع المقبل"]
CREDITS_HEAD = ["(سكاي نيوز عربية)", "(الأناضول)", "(أ ف ب)", "عربي21 -", "(رويترز)"]
CREDITS_TAIL = ["المصدر: وكالات", "(سكاي نيوز عربية)", "المصدر: الجزيرة + وكالات", "المصدر: مواقع التواصل"]
EDIT_INSERTS = ["بحسب مصادر محلية", "وفق شهود عيان", "على حد قوله", "في وقت لاحق"]
COMMANDERS = ["أبو خالد", "أبو علي", "أبو حمزة", "أبو محمد", "أبو عمر", "أبو يوسف"]


# Independent reports word the same facts differently: each report picks one wording per group
# (consistently through the report), so two reports share a sentence verbatim only by chance.
SYNONYMS = [
    ["قال", "أفاد", "ذكر"], ["أكد", "شدد", "أوضح"], ["المدينة", "البلدة"], ["السكان", "الأهالي", "القاطنين"],
    ["الضحايا", "القتلى"], ["المصابين", "الجرحى"], ["أشار", "لفت"], ["مصادر", "جهات"], ["منذ", "ابتداء من"],
    ["الماضي", "المنصرم", "السابق"], ["عدد من", "بعض"], ["الأحياء", "الحارات"], ["ناشطون", "نشطاء"],
    ["المنطقة", "الناحية"], ["خلال", "أثناء", "في غضون"], ["بسبب", "جراء", "نتيجة"], ["كبيرة", "واسعة", "جسيمة"],
    ["الطريق", "الشارع"], ["عنيفة", "ضارية", "شديدة"], ["أعلنت", "قالت"], ["حذرت", "نبهت"], ["دعت", "طالبت"],
    ["المنظمات", "الهيئات"], ["الدولية", "الأممية"], ["أضرار", "خسائر"], ["الأسر", "العائلات"], ["سيارات", "عربات"],
    ["وتشهد", "وتعيش"], ["بيان", "تصريح"], ["التصعيد", "التوتر"], ["الأوضاع", "الظروف"], ["نقص", "شح"],
    ["الأخيرة", "الجديدة"], ["وسط", "في ظل"], ["تعليق", "رد"], ["استهداف", "ضرب"], ["أيضا", "كذلك"],
    ["يوميا", "كل يوم"], ["المقبلة", "القادمة"], ["الرئيسي", "الأساسي"], ["عاجلة", "فورية"], ["صعبة", "قاسية"],
]


def _reword(text: str, rng: random.Random) -> str:
    choice = {}
    for group in SYNONYMS:
        pick = rng.choice(group)
        for w in group:
            choice[w] = pick
    words = text.split(" ")
    out = []
    i = 0
    while i < len(words):
        two = " ".join(words[i:i + 2])
        if two in choice:
            out.append(choice[two])
            i += 2
            continue
        w = words[i]
        core = w.rstrip(".،")
        tail = w[len(core):]
        prefix = "و" if core.startswith("و") and core[1:] in choice else ""
        key = core[1:] if prefix else core
        out.append(prefix + choice[key] + tail if key in choice else w)
        i += 1
    return " ".join(out)


@dataclass(frozen=True)
class Article:
    key: str
    kind: str
    country: str
    town: str
    title: str
    paragraphs: tuple[str, ...]
    slots: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def text(self) -> str:
        return "\n".join((self.title, *self.paragraphs))

    def words(self) -> int:
        return len(self.text.split())


def _slots(rng: random.Random, country: str, town_spec: str) -> dict[str, str]:
    info = COUNTRIES[country]
    town, province, villages_s = town_spec.split("|")
    villages = villages_s.split("،")
    actors = list(info["actors"])
    rng.shuffle(actors)
    v = rng.sample(villages, 2)
    return {
        "town": town, "province": province if province.startswith(("جنوب", "شمال", "وسط", "مدينة"))
        else f"محافظة {province}", "country": str(info["name"]), "village": v[0], "village2": v[1],
        "actor": actors[0], "actor2": actors[1], "monitor": str(info["monitor"]), "rescue": str(info["rescue"]),
        "killed": str(rng.randint(3, 45)), "injured": str(rng.randint(5, 90)), "children": str(rng.randint(2, 9)),
        "victims": rng.choice(VICTIMS), "time": rng.choice(TIMES), "day": rng.choice(DAYS),
        "month": rng.choice(MONTHS), "weapon": rng.choice(WEAPONS), "org": rng.choice(ORGS),
        "official": rng.choice(OFFICIALS), "said": rng.choice(SAID), "shells": str(rng.randint(20, 150)),
        "floors": str(rng.randint(2, 7)), "commander": rng.choice(COMMANDERS),
        "displaced": str(rng.randint(200, 5000)), "trucks": str(rng.randint(8, 60)),
        "trucks2": str(rng.randint(10, 90)), "stock": str(rng.randint(2, 12)), "percent": str(rng.randint(40, 90)),
        "cases": str(rng.randint(30, 400)), "hours": str(rng.randint(10, 20)), "members": str(rng.randint(5, 12)),
        "population": str(rng.randint(40, 400)),
    }


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def compose(key: str, kind: str, country: str, town_index: int, seed: int) -> Article:
    """One report of one event: slots and sentence choice both come from ``seed``."""
    rng = random.Random(seed)
    town_spec = str(COUNTRIES[country]["towns"][town_index])
    slots = _slots(rng, country, town_spec)
    title = _fill(rng.choice(TITLES[kind]), slots)
    body = rng.sample(BODY[kind], 9) + rng.sample(GENERIC, 4)
    rng.shuffle(body)
    sentences = [_fill(rng.choice(LEADS[kind]), slots)] + [_fill(s, slots) for s in body]
    # Top up to ~300 words with further distinct sentences of the same kind.
    spare = [s for s in BODY[kind] + GENERIC if _fill(s, slots) not in sentences]
    rng.shuffle(spare)
    while sum(len(s.split()) for s in sentences) < 280 and spare:
        sentences.append(_fill(spare.pop(), slots))
    sentences = [_reword(x, rng) for x in sentences]
    title = _reword(title, rng)
    paragraphs: list[str] = [sentences[0]]
    i = 1
    while i < len(sentences):
        n = rng.choice((1, 2, 2, 3))
        paragraphs.append(" ".join(sentences[i:i + n]))
        i += n
    return Article(key, kind, country, slots["town"], title, tuple(paragraphs), slots)


@functools.cache
def _base_articles() -> tuple[Article, ...]:
    return tuple(base_articles_uncached())


def base_articles() -> list[Article]:
    """30 base reports (cached: the corpus is deterministic)."""
    return list(_base_articles())


def base_articles_uncached() -> list[Article]:
    """30 base reports: every country × every kind of event, each in its own town."""
    out = []
    for ci, country in enumerate(COUNTRIES):
        for ki, kind in enumerate(KINDS):
            out.append(compose(f"{country}-{kind}", kind, country, (ci + ki) % 5, seed=1000 * ci + 17 * ki + 1))
    return out


def sibling(article: Article, seed: int) -> Article:
    """Another event of the same kind in the same town (another day, figures, wording)."""
    ci = list(COUNTRIES).index(article.country)
    ki = KINDS.index(article.kind)
    return compose(f"{article.key}-other{seed}", article.kind, article.country, (ci + ki) % 5, seed=10_000 + seed * 7919
                   + 131 * ci + ki)


# --- syndication transforms -------------------------------------------------------------------

_DIACRITICS = ["\u064E", "\u064F", "\u0650", "\u0652", "\u0651", "\u064B"]
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _add_diacritics(text: str, rng: random.Random, rate: float) -> str:
    out = []
    for ch in text:
        out.append(ch)
        if "\u0621" <= ch <= "\u064A" and rng.random() < rate:
            out.append(rng.choice(_DIACRITICS))
    return "".join(out)


def _alef_ya(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for i, w in enumerate(words):
        if w.startswith("ا") and rng.random() < 0.5:
            words[i] = rng.choice("أإ") + w[1:]
        elif w.startswith(("أ", "إ")) and rng.random() < 0.5:
            words[i] = "ا" + w[1:]
        if w.endswith("ي") and rng.random() < 0.4:
            words[i] = words[i][:-1] + "ى"
        if w.endswith("ة") and rng.random() < 0.2:
            words[i] = words[i][:-1] + "ه"
    return " ".join(words)


def _edit_sentence(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    op = rng.randrange(3)
    if op == 0 and len(words) > 6:  # drop a few words
        k = rng.randrange(2, len(words) - 3)
        del words[k:k + 2]
    elif op == 1:  # insert an attribution
        k = rng.randrange(1, len(words))
        words.insert(k, rng.choice(EDIT_INSERTS))
    else:  # change one word
        k = rng.randrange(len(words))
        words[k] = rng.choice(["كذلك", "أيضا", "حينها", "مجددا"])
    return " ".join(words)


def syndicated(article: Article, seed: int) -> str:
    """What another outlet publishes from ``article`` (a random mix of the usual changes)."""
    rng = random.Random(f"{article.key}/{seed}")
    paragraphs = list(article.paragraphs)
    # ~10% of sentences edited
    edited = []
    for par in paragraphs:
        parts = par.split(". ")
        parts = [_edit_sentence(p, rng) if rng.random() < 0.1 else p for p in parts]
        edited.append(". ".join(parts))
    paragraphs = edited
    if rng.random() < 0.5 and len(paragraphs) > 3:  # reorder the last paragraphs
        tail = paragraphs[-3:]
        rng.shuffle(tail)
        paragraphs[-3:] = tail
    if rng.random() < 0.5:  # an "اقرأ أيضاً" teaser in the middle
        k = rng.randrange(2, len(paragraphs))
        paragraphs[k:k] = [rng.choice(["اقرأ أيضاً:", "اقرأ أيضا"]), rng.choice(TEASERS)]
    title = article.title
    if rng.random() < 0.6:  # another title
        title = _fill(rng.choice([t for t in TITLES[article.kind] if _fill(t, article.slots) != title]), article.slots)
    if rng.random() < 0.5:
        paragraphs[0] = f"{rng.choice(CREDITS_HEAD)} {paragraphs[0]}"
    lines = [title, *paragraphs]
    if rng.random() < 0.5:
        lines.append(rng.choice(CREDITS_TAIL))
    text = "\n".join(lines)
    if rng.random() < 0.5:
        text = _add_diacritics(text, rng, rate=rng.choice((0.05, 0.2, 0.5)))
    if rng.random() < 0.5:
        text = _alef_ya(text, rng)
    if rng.random() < 0.4:
        text = text.translate(_INDIC)
    return text


@functools.cache
def variant_pairs(per_article: int = 20) -> list[tuple[str, str, str]]:
    """(key, original text, syndicated copy) pairs: near duplicates that must match."""
    return [(a.key, a.text, syndicated(a, s)) for a in base_articles() for s in range(per_article)]


@functools.cache
def different_event_pairs(per_article: int = 18) -> list[tuple[str, str, str]]:
    """(key, report, other event of the same kind in the same town): must stay separate stories."""
    out = []
    for a in base_articles():
        for s in range(per_article):
            other = sibling(a, s)
            out.append((a.key, a.text, other.text))
    return out


__all__ = ["Article", "base_articles", "compose", "different_event_pairs", "sibling", "syndicated", "variant_pairs"]
