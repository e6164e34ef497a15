package demo

// arCustomers are Abdullah Al-Shehri's customers in Saudi Arabia:
// restaurants, cafés, hotels and caterers in Riyadh, Jeddah and the
// Eastern Province.
func arCustomers() []customerSpec {
	return []customerSpec{
		{
			name: "فهد العتيبي", lang: "ar", region: "SA", phones: []string{"050 318 4472", "011 465 2200"},
			company: "مطاعم ديرة الخير", title: "مدير المشتريات", industry: "مطاعم", city: "الرياض",
			source: "إحالة من عميل", owner: repArTG, stage: "client",
			tags: []string{"آلة_إسبريسو", "عقد_صيانة", "جملة"}, mbti: "ESTJ", level: 4, margin: "high", link: 2005,
			notes: "يدير ستة فروع؛ يفضّل التواصل صباحاً قبل الظهر.",
		},
		{
			name: "سارة الغامدي", lang: "ar", female: true, region: "SA", phones: []string{"٠٥٥ ٢٠١ ٧٣٤٨"},
			company: "مقهى نخلة", title: "المالكة", industry: "مقاهٍ", city: "جدة",
			source: "معرض الضيافة", owner: repArTG, stage: "repeat",
			tags: []string{"بن_مختص", "تدريب_باريستا"}, mbti: "ENFJ", level: 3, margin: "medium",
			link: 2002, persona: true,
		},
		{
			name: "محمد القحطاني", lang: "ar", region: "SA", phones: []string{"053 774 1290"},
			company: "فندق برج الواحة", title: "مدير الأغذية والمشروبات", industry: "فنادق", city: "الرياض",
			source: "لينكدإن", owner: repArTG, stage: "repeat",
			tags: []string{"فندق", "عقد_صيانة"}, mbti: "ISTJ", level: 3, margin: "high",
		},
		{
			name: "نورة الدوسري", lang: "ar", female: true, region: "SA", phones: []string{"054 610 3385"},
			company: "مخبز الفجر", title: "مديرة العمليات", industry: "مخابز", city: "الدمام",
			source: "اتصال وارد", owner: repArTG, stage: "first_time",
			tags: []string{"مطحنة"}, level: 2, margin: "medium",
		},
		{
			name: "خالد الزهراني", lang: "ar", region: "SA", phones: []string{"056 249 8813"},
			company: "الحجاز للتموين والضيافة", title: "مدير المشتريات", industry: "تموين", city: "جدة",
			source: "معرض الضيافة", owner: repArTG, stage: "first_time",
			tags: []string{"جملة", "بن_مختص"}, mbti: "ESTP", level: 2, margin: "medium",
		},
		{
			name: "ريم الشمري", lang: "ar", female: true, region: "SA", phones: []string{"059 133 6207"},
			company: "مقهى سحابة", title: "شريكة مؤسِّسة", industry: "مقاهٍ", city: "الخبر",
			source: "إنستغرام", owner: repArTG, stage: "prospect",
			tags: []string{"آلة_إسبريسو"}, mbti: "INFJ",
		},
		{
			name: "عبدالرحمن الحربي", lang: "ar", region: "SA", phones: []string{"050 927 5514"},
			company: "مطعم بيت الكبسة", title: "المالك", industry: "مطاعم", city: "الرياض",
			source: "زيارة ميدانية", owner: repArTG, stage: "prospect",
		},
		{
			name: "هيفاء المطيري", lang: "ar", female: true, region: "SA", phones: []string{"055 804 2276"},
			company: "مجمع مكاتب الأفق", title: "مديرة المرافق", industry: "إدارة مرافق", city: "الرياض",
			source: "الموقع الإلكتروني", owner: repArTG, stage: "prospect",
			tags: []string{"مكاتب"},
		},
		{
			name: "يوسف البلوي", lang: "ar", region: "SA", phones: []string{"058 312 9047"},
			company: "سلسلة مقاهي درب", title: "مدير التوسع", industry: "مقاهٍ", city: "جدة",
			source: "لينكدإن", owner: repArTG, stage: "prospect",
			tags: []string{"آلة_إسبريسو", "مطحنة", "جملة"}, mbti: "ENTJ", margin: "high",
		},
		{
			name: "تركي السبيعي", lang: "ar", region: "SA", phones: []string{"053 145 6628"},
			company: "مطعم الشواية الذهبية", title: "المالك", industry: "مطاعم", city: "الرياض",
			source: "اتصال مباشر", owner: repArTG, stage: "disqualified", margin: "low",
			exit: &exitSpec{"no_budget", "المطعم يعيد الافتتاح بعد التجديد ولا ميزانية لديه قبل نهاية العام."},
		},
		{
			name: "ماجد العنزي", lang: "ar", region: "SA", phones: []string{"054 771 3392"},
			company: "مقهى ركن القهوة", title: "المالك", industry: "مقاهٍ", city: "جدة",
			source: "إنستغرام", owner: repArTG, stage: "lost", level: 2, margin: "medium",
			exit: &exitSpec{"competitor", "اختار مورداً آخر عرض عليه سعراً أقل مع تركيب مجاني."},
		},
		{
			name: "منيرة الراشد", lang: "ar", female: true, region: "SA", phones: []string{"050 466 8120"},
			company: "فندق المروج", title: "مديرة المشتريات", industry: "فنادق", city: "الدمام",
			source: "معرض الضيافة", owner: repArTG, stage: "inactive", level: 2, margin: "medium",
			exit: &exitSpec{"unreachable", "لم تطلب شيئاً منذ أربعة أشهر ولا ترد على الاتصالات."},
		},
		{
			name: "سلطان الشهراني", lang: "ar", region: "SA", phones: []string{"056 620 1174"},
			company: "مقهى أوراق", title: "المالك", industry: "مقاهٍ", city: "الرياض",
			source: "زيارة ميدانية", owner: repArTG, stage: "suspect",
		},
		{
			name: "عبير الفيفي", lang: "ar", female: true, region: "SA", phones: []string{"059 840 2263"},
			company: "حلويات عبير المنزلية", title: "صاحبة المشروع", industry: "حلويات", city: "جدة",
			source: "إنستغرام", owner: repArTG, stage: "suspect",
		},
	}
}
