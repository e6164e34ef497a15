package demo

// faCustomers are Amir Hosseinzadeh's customers in Iran: cafés, bakeries,
// hotels and caterers buying espresso machines, grinders, beans and
// service contracts. Two were typed on an Arabic keyboard (ي, ك), as
// happens, so that search folding shows.
func faCustomers() []customerSpec {
	return []customerSpec{
		{
			name: "علي كريمي", lang: "fa", region: "IR", phones: []string{"0912 345 1180", "021 8876 4410"},
			company: "کافه‌رستوران نارنج", title: "مدیر خرید", industry: "کافه و رستوران", city: "تهران",
			source: "معرفی مشتری", owner: repFaTG, stage: "partner",
			tags: []string{"اسپرسوساز", "قرارداد_سرویس", "عمده"}, mbti: "ENTJ", level: 5, margin: "high",
			notes: "سه شعبه در تهران دارد و برای هر شعبه‌ی جدید از ما خرید می‌کند.",
		},
		{
			name: "مریم صالحی", lang: "fa", region: "IR", phones: []string{"۰۹۱۳ ۲۲۱ ۴۵۶۷"},
			company: "شیرینی‌سرای گلپر", title: "مالک", industry: "قنادی", city: "اصفهان",
			source: "نمایشگاه ایران‌هتل", owner: repFaTG, stage: "advocate",
			tags: []string{"اسپرسوساز", "آموزش_باریستا"}, mbti: "ESFJ", level: 4, margin: "medium",
			notes: "دو قنادی دیگر در اصفهان را به ما معرفی کرده است.", link: 2001, persona: true,
		},
		{
			name: "محمدرضا فتحی", lang: "fa", region: "IR", phones: []string{"0935 118 7720"},
			company: "کافه‌های زنجیره‌ای دُرنا", title: "مدیر عملیات", industry: "کافه و رستوران", city: "تهران",
			source: "لینکدین", owner: repFaTG, stage: "client",
			tags: []string{"آسیاب", "دانه_قهوه"}, mbti: "INTJ", level: 4, margin: "high",
		},
		{
			name: "زهرا نیک‌نام", lang: "fa", region: "IR", phones: []string{"0917 301 5542"},
			company: "هتل کوهستان", title: "مدیر تدارکات", industry: "هتلداری", city: "شیراز",
			source: "تماس ورودی", owner: repFaTG, stage: "repeat",
			tags: []string{"هتل", "دانه_قهوه"}, mbti: "ISFJ", level: 3, margin: "medium", link: 2004,
		},
		{
			name: "حمید رضایی", lang: "fa", region: "IR", phones: []string{"0917 744 2090"},
			company: "رستوران سنتی شب‌های شیراز", title: "مالک", industry: "کافه و رستوران", city: "شیراز",
			source: "معرفی مشتری", owner: repFaTG, stage: "repeat",
			tags: []string{"اسپرسوساز"}, mbti: "ESTP", level: 3, margin: "medium",
		},
		{
			name: "كيوان مهدوي", lang: "fa", region: "IR", phones: []string{"0919 402 3318"},
			company: "کافه‌کتاب پاییز", title: "مالک", industry: "کافه و رستوران", city: "تهران",
			source: "اینستاگرام", owner: repFaTG, stage: "first_time",
			tags: []string{"اسپرسوساز", "اقساطی"}, mbti: "INFP", level: 2, margin: "low",
		},
		{
			name: "نگار عباسی", lang: "fa", region: "IR", phones: []string{"0912 660 1473"},
			company: "نانوایی فانتزی سحر", title: "مدیر", industry: "نانوایی", city: "کرج",
			source: "تماس سرد", owner: repFaTG, stage: "first_time",
			tags: []string{"آسیاب"}, level: 2, margin: "low",
		},
		{
			name: "سعید قاسمی", lang: "fa", region: "IR", phones: []string{"0912 815 2264", "021 2291 7300"},
			company: "بیمه‌ی آرمان، دفتر مرکزی", title: "مسئول امور اداری", industry: "خدمات مالی", city: "تهران",
			source: "وب‌سایت", owner: repFaTG, stage: "first_time",
			tags: []string{"دفتر_کار", "قرارداد_سرویس"}, mbti: "ISTJ", level: 3, margin: "medium",
		},
		{
			name: "فاطمه موسوی", lang: "fa", region: "IR", phones: []string{"0936 552 8801"},
			company: "کترینگ برکت", title: "مدیر خرید", industry: "کترینگ", city: "تهران",
			source: "نمایشگاه ایران‌هتل", owner: repFaTG, stage: "inactive",
			tags: []string{"دانه_قهوه", "عمده"}, level: 2, margin: "low",
			exit: &exitSpec{"unreachable", "از اردیبهشت سفارشی نداده و به تماس‌ها جواب نمی‌دهد."},
		},
		{
			name: "بهرام شریفی", lang: "fa", region: "IR", phones: []string{"0915 310 6642"},
			company: "کافه ساحل", title: "مالک", industry: "کافه و رستوران", city: "مشهد",
			source: "اینستاگرام", owner: repFaTG, stage: "prospect",
			tags: []string{"اسپرسوساز"}, mbti: "ENFP",
		},
		{
			name: "لیلا احمدی‌پور", lang: "fa", region: "IR", phones: []string{"0912 477 9035"},
			company: "رستوران ایتالیایی میلانو", title: "مدیر رستوران", industry: "کافه و رستوران", city: "تهران",
			source: "معرفی مشتری", owner: repFaTG, stage: "prospect",
			tags: []string{"اسپرسوساز", "آسیاب"},
		},
		{
			name: "پویا جعفری", lang: "fa", region: "IR", phones: []string{"0901 224 6718"},
			company: "فضای کار اشتراکی نوآوران", title: "مدیرعامل", industry: "فضای کار اشتراکی", city: "تهران",
			source: "لینکدین", owner: repFaTG, stage: "prospect",
			tags: []string{"دفتر_کار"}, mbti: "ENTP",
		},
		{
			name: "الهام طاهری", lang: "fa", region: "IR", phones: []string{"0913 640 2287"},
			company: "هتل‌آپارتمان ارغوان", title: "مدیر داخلی", industry: "هتلداری", city: "اصفهان",
			source: "تماس ورودی", owner: repFaTG, stage: "prospect",
			tags: []string{"هتل"},
		},
		{
			name: "مهدی نوروزی", lang: "fa", region: "IR", phones: []string{"0914 305 7716"},
			company: "فست‌فود ستاره", title: "مالک", industry: "فست‌فود", city: "تبریز",
			source: "تماس سرد", owner: repFaTG, stage: "disqualified", margin: "low",
			exit: &exitSpec{"bad_credit", "دو چک برگشتی در سابقه دارد و فقط خرید اقساطی بدون ضامن می‌خواهد."},
		},
		{
			name: "آرش کامرانی", lang: "fa", region: "IR", phones: []string{"0912 903 4471"},
			company: "کافه‌گالری آبی", title: "مالک", industry: "کافه و رستوران", city: "تهران",
			source: "اینستاگرام", owner: repFaTG, stage: "suspect",
		},
		{
			name: "شیما رستمی", lang: "fa", region: "IR", phones: []string{"0919 118 2036"},
			company: "سلف دانشکده‌ی فنی", title: "پیمانکار تغذیه", industry: "کترینگ", city: "تهران",
			source: "تماس سرد", owner: repFaTG, stage: "suspect",
		},
		{
			name: "رضا ملکی", lang: "fa", region: "IR", phones: []string{"0917 228 9054"},
			company: "باشگاه ورزشی المپ", title: "مالک", industry: "باشگاه ورزشی", city: "شیراز",
			source: "معرفی مشتری", owner: repFaTG, stage: "suspect",
		},
	}
}
