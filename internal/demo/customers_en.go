package demo

// enCustomers are Priya Nair's customers in the Emirates: hotels, cafés,
// restaurants and offices, expat and Emirati. Two Emirati owners shared
// their Telegram contact, so their names are in Arabic script.
func enCustomers() []customerSpec {
	return []customerSpec{
		{
			name: "James Whitaker", lang: "en", region: "AE", phones: []string{"+971 50 412 7789", "04 399 2150"},
			company: "Seabreeze Hotel Dubai Marina", title: "F&B Director", industry: "Hospitality", city: "Dubai",
			source: "Gulfood", owner: repEnTG, stage: "client",
			tags: []string{"hotel", "service-contract", "espresso"}, mbti: "ENTJ", level: 4, margin: "high",
			notes: "Three outlets in the hotel; renews the service contract every January.",
		},
		{
			name: "سعيد المهيري", lang: "ar", region: "AE", phones: []string{"055 230 6614"},
			company: "Al Muhairi Cafés LLC", title: "Managing Director", industry: "Cafés", city: "Dubai",
			source: "Referral", owner: repEnTG, stage: "advocate",
			tags: []string{"espresso", "grinders", "wholesale"}, mbti: "ENFJ", level: 5, margin: "high",
			notes: "Referred two café owners in Jumeirah. Prefers calls after Asr prayer.",
		},
		{
			name: "Sophie Laurent", lang: "en", region: "AE", phones: []string{"052 781 0045"},
			company: "Café Lumière", title: "Owner", industry: "Cafés", city: "Dubai",
			source: "Instagram", owner: repEnTG, stage: "client",
			tags: []string{"espresso", "specialty-beans", "training"}, mbti: "ENFP", level: 4, margin: "medium",
			link: 2003, persona: true,
		},
		{
			name: "Rahul Menon", lang: "en", region: "AE", phones: []string{"00971 56 118 4420"},
			company: "Spice Route Restaurants", title: "Procurement Manager", industry: "Restaurants", city: "Dubai",
			source: "Cold call", owner: repEnTG, stage: "repeat",
			tags: []string{"wholesale", "beans"}, mbti: "ISTJ", level: 3, margin: "medium", link: 2006,
		},
		{
			name: "Fatima Al Suwaidi", lang: "ar", region: "AE", phones: []string{"050 664 3019"},
			company: "Desert Rose Events", title: "Operations Manager", industry: "Events & catering", city: "Abu Dhabi",
			source: "Gulfood", owner: repEnTG, stage: "repeat",
			tags: []string{"catering", "rental"}, mbti: "ESTJ", level: 3, margin: "medium",
		},
		{
			name: "Mark O'Brien", lang: "en", region: "AE", phones: []string{"058 902 7713"},
			company: "The Daily Grind", title: "Co-founder", industry: "Cafés", city: "Dubai",
			source: "Website", owner: repEnTG, stage: "first_time",
			tags: []string{"espresso", "grinders"}, mbti: "ESTP", level: 2, margin: "medium",
		},
		{
			name: "Aisha Rahman", lang: "en", region: "AE", phones: []string{"054 337 2268"},
			company: "Bloom Co-working", title: "Community Manager", industry: "Co-working", city: "Dubai",
			source: "LinkedIn", owner: repEnTG, stage: "first_time",
			tags: []string{"office"}, level: 2, margin: "low",
		},
		{
			name: "مريم الكتبي", lang: "ar", region: "AE", phones: []string{"056 405 9931"},
			company: "Al Ketbi Sweets", title: "Owner", industry: "Sweets & bakery", city: "Sharjah",
			source: "Walk-in", owner: repEnTG, stage: "first_time",
			tags: []string{"grinders"}, mbti: "ISFJ", level: 2, margin: "medium",
		},
		{
			name: "Daniel Kim", lang: "en", region: "AE", phones: []string{"050 218 6650"},
			company: "Kimchi & Co.", title: "Owner", industry: "Restaurants", city: "Dubai",
			source: "Instagram", owner: repEnTG, stage: "prospect",
			tags: []string{"espresso"}, mbti: "INTP",
		},
		{
			name: "Elena Petrova", lang: "en", region: "AE", phones: []string{"052 940 1187"},
			company: "Azure Beach Resort", title: "Purchasing Manager", industry: "Hospitality", city: "Ras Al Khaimah",
			source: "Gulfood", owner: repEnTG, stage: "prospect",
			tags: []string{"hotel", "espresso", "service-contract"}, margin: "high",
		},
		{
			name: "Omar Haddad", lang: "en", region: "AE", phones: []string{"055 671 3302"},
			company: "Haddad Properties", title: "Facilities Manager", industry: "Real estate", city: "Dubai",
			source: "Referral", owner: repEnTG, stage: "prospect",
			tags: []string{"office"},
		},
		{
			name: "Chris Walker", lang: "en", region: "AE", phones: []string{"058 144 7720"},
			company: "Urban Bites", title: "Owner", industry: "Restaurants", city: "Dubai",
			source: "Cold call", owner: repEnTG, stage: "lost", margin: "low",
			path: []string{"suspect", "prospect", "lost"},
			exit: &exitSpec{"price", "Went with a cheaper single-group machine from an online shop."},
		},
		{
			name: "Noura Al Zaabi", lang: "ar", region: "AE", phones: []string{"050 873 2241"},
			company: "Zaabi Bakehouse", title: "Owner", industry: "Sweets & bakery", city: "Sharjah",
			source: "Instagram", owner: repEnTG, stage: "suspect",
		},
		{
			name: "Tom Fletcher", lang: "en", region: "AE", phones: []string{"052 316 0098"},
			company: "Fletcher's Gym & Juice Bar", title: "Owner", industry: "Fitness", city: "Dubai",
			source: "Walk-in", owner: repEnTG, stage: "suspect",
		},
	}
}

// poolCustomers are leads nobody owns yet, from an exhibition's visitor list
// and the website form. The admin, a Persian speaker, typed the Gulf names
// with a Persian keyboard (ی, ک): search still finds them in Arabic.
func poolCustomers() []customerSpec {
	return []customerSpec{
		{
			name: "سمیرا حسینی", lang: "fa", region: "IR", phones: []string{"0912 718 3305"},
			company: "کافه گلدان", title: "مالک", industry: "کافه و رستوران", city: "تهران",
			source: "فرم وب‌سایت", stage: "suspect",
		},
		{
			name: "مجید اکبری", lang: "fa", region: "IR", phones: []string{"0917 560 4412"},
			company: "رستوران دریایی صدف", title: "مدیر", industry: "کافه و رستوران", city: "بندرعباس",
			source: "نمایشگاه ایران‌هتل", stage: "suspect",
		},
		{
			name: "عبدالله الکعبی", lang: "ar", region: "AE", phones: []string{"055 902 6613"},
			company: "مقهى شاطئ الکورنیش", title: "مالک", industry: "کافه", city: "Abu Dhabi",
			source: "Gulfood", stage: "suspect",
		},
		{
			name: "أحمد الحمادي", lang: "ar", region: "AE", phones: []string{"050 337 9018"},
			company: "Rimal Hotel", title: "مدیر خرید", industry: "هتلداری", city: "Dubai",
			source: "Gulfood", stage: "suspect",
		},
		{
			name: "Oliver Grant", lang: "en", region: "AE", phones: []string{"056 781 2204"},
			company: "Grant & Co. Bakeries", title: "Owner", industry: "Bakery", city: "Dubai",
			source: "Website form", stage: "suspect",
		},
	}
}
