package demo

// phrasebook holds what a rep writes, in the rep's own language: the notes
// of activities by kind and phase, and follow-up reminders. The demo
// company sells espresso machines, grinders, beans, training and service.
type phrasebook struct {
	callEarly     []string // a reached call with a suspect or prospect; the first is the first call
	callCustomer  []string // a reached call with someone who has bought
	visitEarly    []string
	visitCustomer []string
	noAnswer      []string
	busy          []string
	callBack      []string
	messageEarly  []string
	messageBought []string
	noteEarly     []string
	noteBought    []string
	notInterested []string // the last call with a lost or disqualified customer
	followEarly   []string // follow-ups with suspects and prospects
	followBought  []string // follow-ups with customers who have bought
	winBack       string   // the follow-up to win an inactive customer back
	poolNote      string   // the admin's note on an unassigned lead
}

// phrases returns the phrasebook of a language (en, fa or ar) for notes
// about a customer; female matters in Arabic only.
func phrases(lang string, female bool) phrasebook {
	switch lang {
	case "fa":
		return faPhrases()
	case "ar":
		return arPhrases(female)
	}
	return enPhrases()
}

func faPhrases() phrasebook {
	return phrasebook{
		callEarly: []string{
			"تماس اول؛ با یک دستگاه قدیمی کار می‌کنند و از خرابی‌های پشت‌سرهم گله داشت. کاتالوگ را در تلگرام فرستادم.",
			"درباره‌ی اسپرسوساز دوگروپ صحبت کردیم؛ قیمت را پرسید و گفت با شریکش مشورت می‌کند.",
			"خواست پیش‌فاکتور را با شرایط اقساطی بفرستم.",
			"جلسه داشت؛ قرار شد هفته‌ی بعد برای دمو هماهنگ کنیم.",
			"از آسیاب‌های ما پرسید و نمونه‌ی قهوه هم خواست.",
			"گفت تا آخر ماه درباره‌ی تجهیز شعبه‌ی جدید تصمیم می‌گیرند.",
		},
		callCustomer: []string{
			"پیگیری بعد از نصب؛ از کیفیت عصاره راضی‌اند. سرویس سه‌ماهه را یادداشت کردم.",
			"سفارش دانه‌ی قهوه‌ی ماه آینده را تأیید کرد.",
			"برای دو باریستای جدید دوره‌ی آموزش می‌خواهد.",
			"از دیر رسیدن فیلترها گله داشت؛ عذرخواهی کردم و ارسال را پیگیری کردم.",
			"برای شعبه‌ی دوم یک دستگاه دیگر می‌خواهد؛ پیش‌فاکتور تا آخر هفته.",
			"پرسید قرارداد سرویس سالانه شامل قطعات هم می‌شود یا نه؛ توضیح دادم.",
		},
		visitEarly: []string{
			"دموی دستگاه در محل؛ باریستا از ثبات فشار بخار راضی بود.",
			"بازدید از کافه؛ پیشخوان برای دستگاه سه‌گروپ جا دارد. اندازه‌ها را گرفتم.",
			"کاتالوگ و نمونه‌ی قهوه را تحویل دادم؛ مالک نبود و با مدیر شیفت صحبت کردم.",
			"جلسه با مالک و سرآشپز؛ بیشتر نگران مصرف برق و فضای پیشخوان‌اند.",
		},
		visitCustomer: []string{
			"سرویس دوره‌ای انجام شد؛ واشرهای گروپ را عوض کردیم.",
			"جلسه با مالک درباره‌ی قرارداد سرویس سالانه؛ موافقت اولیه داد.",
			"به باریستاها کالیبره‌کردن آسیاب را آموزش دادم.",
			"بازدید از شعبه‌ی جدید برای جانمایی دستگاه.",
		},
		noAnswer: []string{"جواب نداد؛ پیامک گذاشتم.", "گوشی خاموش بود.", "جواب نداد."},
		busy:     []string{"مشغول بود؛ گفت عصر تماس بگیرم.", "پشت خط دیگری بود."},
		callBack: []string{"جلسه داشت؛ خواست فردا صبح دوباره زنگ بزنم.", "در مسیر بود؛ گفت بعد از ظهر تماس بگیرم."},
		messageEarly: []string{
			"لیست قیمت جدید را در تلگرام فرستادم.",
			"مشخصات فنی آسیاب را خواست؛ فایلش را فرستادم.",
			"ویدئوی دموی دستگاه را فرستادم.",
		},
		messageBought: []string{
			"عکس دستگاه نصب‌شده را فرستاد و تشکر کرد.",
			"ویدئوی آموزش تمیزکاری روزانه‌ی دستگاه را فرستادم.",
			"لیست قیمت جدید دانه‌ها را در تلگرام فرستادم.",
		},
		noteEarly: []string{
			"تصمیم‌گیرنده‌ی اصلی همسرش است؛ در جلسه‌ی بعد باشد.",
			"بودجه محدود است؛ دستگاه بازسازی‌شده را پیشنهاد بدهم.",
			"فعلاً دستگاه اجاره‌ای دارند و قراردادشان تا آخر فصل است.",
		},
		noteBought: []string{
			"به قهوه‌ی تک‌خاستگاه علاقه دارد.",
			"صبح‌ها شلوغ است؛ بهترین زمان تماس بعد از ساعت ۱۵ است.",
			"برای شعبه‌ی جدیدشان دنبال مجوزند؛ دو ماه دیگر پیگیری شود.",
		},
		notInterested: []string{"گفت فعلاً قصد خرید ندارد و با تأمین‌کننده‌ی فعلی‌اش قرارداد دارد."},
		followEarly: []string{
			"پیگیری پیش‌فاکتور",
			"هماهنگی زمان دمو",
			"ارسال کاتالوگ آسیاب‌ها",
		},
		followBought: []string{
			"یادآوری سرویس سه‌ماهه",
			"تماس درباره‌ی سفارش دانه‌ی قهوه",
			"پیگیری کارکرد دستگاه",
			"هماهنگی دوره‌ی آموزش باریستا",
		},
		winBack:  "تماس برای برگرداندن مشتری؛ یک سرویس رایگان پیشنهاد بده.",
		poolNote: "از فهرست بازدیدکنندگان نمایشگاه؛ هنوز به کسی واگذار نشده.",
	}
}

// arPhrases returns the Arabic phrasebook. Arabic verbs agree with the
// customer's gender, so female customers get their own forms.
func arPhrases(female bool) phrasebook {
	g := func(he, she string) string {
		if female {
			return she
		}
		return he
	}
	return phrasebook{
		callEarly: []string{
			"المكالمة الأولى؛ يعملون على آلة قديمة ويشتكون من أعطالها المتكررة. أرسلت الكتالوج على تيليجرام.",
			g("تحدثنا عن آلة الإسبريسو ذات المجموعتين؛ سأل عن السعر وسيستشير شريكه.",
				"تحدثنا عن آلة الإسبريسو ذات المجموعتين؛ سألت عن السعر وستستشير شريكها."),
			g("طلب عرض سعر مع خيار التقسيط.", "طلبت عرض سعر مع خيار التقسيط."),
			g("كان في اجتماع؛ اتفقنا على تحديد موعد للعرض التجريبي الأسبوع القادم.",
				"كانت في اجتماع؛ اتفقنا على تحديد موعد للعرض التجريبي الأسبوع القادم."),
			g("سأل عن المطاحن وطلب عينات من البن.", "سألت عن المطاحن وطلبت عينات من البن."),
			"سيقررون تجهيز الفرع الجديد قبل نهاية الشهر.",
		},
		callCustomer: []string{
			"متابعة بعد التركيب؛ راضون عن جودة الاستخلاص. سجّلت موعد الصيانة بعد ثلاثة أشهر.",
			g("أكّد طلب البن للشهر القادم.", "أكّدت طلب البن للشهر القادم."),
			g("يريد دورة تدريبية لاثنين من الباريستا الجدد.", "تريد دورة تدريبية لاثنين من الباريستا الجدد."),
			g("اشتكى من تأخر شحنة الفلاتر؛ اعتذرت له وتابعت الشحنة.", "اشتكت من تأخر شحنة الفلاتر؛ اعتذرت لها وتابعت الشحنة."),
			g("يريد آلة ثانية للفرع الجديد؛ سأرسل عرض السعر قبل نهاية الأسبوع.",
				"تريد آلة ثانية للفرع الجديد؛ سأرسل عرض السعر قبل نهاية الأسبوع."),
			g("سأل إن كان عقد الصيانة السنوي يشمل قطع الغيار؛ وضّحت له التفاصيل.",
				"سألت إن كان عقد الصيانة السنوي يشمل قطع الغيار؛ وضّحت لها التفاصيل."),
		},
		visitEarly: []string{
			"عرض تجريبي للآلة في الموقع؛ أعجب الباريستا بثبات ضغط البخار.",
			"زيارة للمقهى؛ الكاونتر يتسع لآلة بثلاث مجموعات. أخذت المقاسات.",
			g("سلّمت الكتالوج وعينات البن؛ المالك لم يكن موجوداً فتحدثت مع مشرف الوردية.",
				"سلّمت الكتالوج وعينات البن؛ المالكة لم تكن موجودة فتحدثت مع مشرف الوردية."),
			g("اجتماع مع المالك والشيف؛ يهمهم استهلاك الكهرباء والمساحة على الكاونتر.",
				"اجتماع مع المالكة والشيف؛ يهمهم استهلاك الكهرباء والمساحة على الكاونتر."),
		},
		visitCustomer: []string{
			"أجرينا الصيانة الدورية وغيّرنا حلقات المجموعات.",
			g("اجتماع مع المالك بخصوص عقد الصيانة السنوي؛ وافق مبدئياً.",
				"اجتماع مع المالكة بخصوص عقد الصيانة السنوي؛ وافقت مبدئياً."),
			"درّبت الباريستا على معايرة المطحنة.",
			"زيارة للفرع الجديد لتحديد مكان الآلة.",
		},
		noAnswer: []string{g("لم يرد؛ تركت له رسالة.", "لم ترد؛ تركت لها رسالة."), "الجوال مغلق.", g("لم يرد.", "لم ترد.")},
		busy:     []string{g("مشغول؛ طلب أن أتصل بعد العصر.", "مشغولة؛ طلبت أن أتصل بعد العصر."), g("كان على خط آخر.", "كانت على خط آخر.")},
		callBack: []string{
			g("في اجتماع؛ طلب أن أعاود الاتصال صباح الغد.", "في اجتماع؛ طلبت أن أعاود الاتصال صباح الغد."),
			g("كان يقود السيارة؛ سأتصل به بعد الظهر.", "كانت تقود السيارة؛ سأتصل بها بعد الظهر."),
		},
		messageEarly: []string{
			"أرسلت قائمة الأسعار الجديدة على تيليجرام.",
			g("طلب المواصفات الفنية للمطحنة؛ أرسلت له الملف.", "طلبت المواصفات الفنية للمطحنة؛ أرسلت لها الملف."),
			"أرسلت فيديو العرض التجريبي للآلة.",
		},
		messageBought: []string{
			g("وصلتني منه صورة الآلة بعد التركيب مع الشكر.", "وصلتني منها صورة الآلة بعد التركيب مع الشكر."),
			"أرسلت فيديو التنظيف اليومي للآلة.",
			"أرسلت قائمة أسعار البن الجديدة على تيليجرام.",
		},
		noteEarly: []string{
			"صاحب القرار هو الشريك الآخر؛ يجب أن يحضر الاجتماع القادم.",
			"الميزانية محدودة؛ أقترح آلة مجدَّدة.",
			"يستأجرون آلة حالياً وينتهي عقدهم نهاية الموسم.",
		},
		noteBought: []string{
			g("مهتم بالبن المختص أحادي المصدر.", "مهتمة بالبن المختص أحادي المصدر."),
			"الصباح وقت ذروة عندهم؛ أفضل وقت للاتصال بعد الثالثة عصراً.",
			"يستخرجون ترخيص الفرع الجديد؛ نتابع بعد شهرين.",
		},
		notInterested: []string{g("قال إنه لا ينوي الشراء حالياً ولديه عقد مع مورد آخر.",
			"قالت إنها لا تنوي الشراء حالياً ولديها عقد مع مورد آخر.")},
		followEarly: []string{
			"متابعة عرض السعر",
			"تحديد موعد العرض التجريبي",
			"إرسال كتالوج المطاحن",
		},
		followBought: []string{
			"تذكير بالصيانة الدورية",
			"الاتصال بخصوص طلب البن",
			"الاطمئنان على أداء الآلة",
			"تنسيق دورة تدريب الباريستا",
		},
		winBack:  g("اتصال لاستعادة العميل؛ اعرض عليه صيانة مجانية.", "اتصال لاستعادة العميلة؛ اعرض عليها صيانة مجانية."),
		poolNote: "من قائمة زوار المعرض؛ لم يُسند إلى أحد بعد.",
	}
}

func enPhrases() phrasebook {
	return phrasebook{
		callEarly: []string{
			"First call. They run an old machine that keeps breaking down; sent the catalogue on Telegram.",
			"Talked through the two-group espresso machine; asked for pricing and will run it past their partner.",
			"Asked for a quote with an instalment option.",
			"Was in a meeting; agreed to book a demo next week.",
			"Asked about our grinders and wants coffee samples.",
			"They decide on fitting out the new branch by the end of the month.",
		},
		callCustomer: []string{
			"Post-install check-in: happy with the extraction. Logged the three-month service.",
			"Confirmed next month's bean order.",
			"Wants barista training for two new hires.",
			"Filter delivery was late; apologised and chased the courier.",
			"Wants a second machine for the new branch; quote by end of week.",
			"Asked whether the annual service contract covers parts; went through the details.",
		},
		visitEarly: []string{
			"On-site demo; the barista liked how steady the steam pressure is.",
			"Visited the café: the counter fits a three-group machine. Took measurements.",
			"Dropped off the catalogue and samples; owner was out, spoke to the shift manager.",
			"Met the owner and the chef; their worries are power draw and counter space.",
		},
		visitCustomer: []string{
			"Routine service done; replaced the group gaskets.",
			"Met the owner about an annual service contract; agreed in principle.",
			"Trained the baristas on grinder calibration.",
			"Visited the new branch to plan where the machine goes.",
		},
		noAnswer: []string{"No answer; left a voicemail.", "Phone switched off.", "No answer."},
		busy:     []string{"Busy; asked me to call after 4.", "On another call."},
		callBack: []string{"In a meeting; call back tomorrow morning.", "Driving; will call back this afternoon."},
		messageEarly: []string{
			"Sent the new price list on Telegram.",
			"Asked for the grinder spec sheet; sent it over.",
			"Sent the machine demo video.",
		},
		messageBought: []string{
			"Sent a photo of the installed machine and said thanks.",
			"Sent the daily cleaning video.",
			"Sent the new bean price list on Telegram.",
		},
		noteEarly: []string{
			"The real decision-maker is the other partner; get them to the next meeting.",
			"Tight budget; suggest a refurbished machine.",
			"They lease a machine now; the lease runs out at the end of the season.",
		},
		noteBought: []string{
			"Interested in single-origin specialty beans.",
			"Mornings are their rush; best to call after 3 pm.",
			"Licensing the new branch; follow up in two months.",
		},
		notInterested: []string{"Not buying for now; tied into a contract with another supplier."},
		followEarly: []string{
			"Chase the quote",
			"Book the demo",
			"Send the grinder catalogue",
		},
		followBought: []string{
			"Three-month service reminder",
			"Call about the bean order",
			"Check how the machine is running",
			"Schedule barista training",
		},
		winBack:  "Win-back call: offer a free service visit.",
		poolNote: "From the exhibition visitor list; not assigned yet.",
	}
}
