-- The two pipeline templates of DOMAIN.md: the customer ladder (§1, the
-- default) and the sales cycle with lead qualification (§3).
INSERT INTO stages (template, key, position, kind, name_en, name_fa, name_ar) VALUES
    ('ladder', 'suspect',        10, 'open',      'Suspect',               'مشکوک',                 'عميل مشتبه به'),
    ('ladder', 'prospect',       20, 'open',      'Prospect',              'محتمل',                 'عميل محتمل'),
    ('ladder', 'disqualified',   30, 'side_exit', 'Disqualified prospect', 'محتمل غیرموجه',         'محتمل غير مؤهل'),
    ('ladder', 'first_time',     40, 'won',       'First-time customer',   'مشتری بار اول',          'عميل لأول مرة'),
    ('ladder', 'repeat',         50, 'won',       'Repeat customer',       'مشتری مجدد',            'عميل متكرر'),
    ('ladder', 'client',         60, 'won',       'Client',                'مشتری دائمی',           'عميل دائم'),
    ('ladder', 'advocate',       70, 'won',       'Advocate',              'مدافع',                 'مناصر'),
    ('ladder', 'partner',        80, 'won',       'Partner',               'شریک',                  'شريك'),
    ('ladder', 'inactive',       90, 'inactive',  'Inactive',              'غیرفعال',               'غير نشط'),
    ('ladder', 'lost',          100, 'lost',      'Lost',                  'از دست رفته',           'عميل مفقود'),

    ('sales_cycle', 'subscriber',             10, 'open',      'Subscriber',                   'مشترک',                          'مشترك'),
    ('sales_cycle', 'lead',                   20, 'open',      'Lead',                         'مشتری راغب',                     'عميل مهتم'),
    ('sales_cycle', 'unqualified_lead',       30, 'side_exit', 'Unqualified lead',             'راغب ولی بی‌کیفیت',               'عميل مهتم غير مؤهل'),
    ('sales_cycle', 'qualified_active',       40, 'open',      'Qualified, active',            'باکیفیت و فعال',                 'مؤهل ونشط'),
    ('sales_cycle', 'qualified_nurturing',    50, 'open',      'Qualified, nurturing',         'ادامه‌دار و باکیفیت',             'مؤهل قيد المتابعة'),
    ('sales_cycle', 'qualified_unresponsive', 60, 'inactive',  'Qualified, unresponsive',      'باکیفیت و ناموفق در ارتباط',     'مؤهل لا يستجيب'),
    ('sales_cycle', 'opportunity',            70, 'open',      'Opportunity',                  'فرصت ممکن',                      'فرصة بيع'),
    ('sales_cycle', 'lost_opportunity',       80, 'lost',      'Lost opportunity',             'فرصت از دست رفته',               'فرصة ضائعة'),
    ('sales_cycle', 'customer',               90, 'won',       'Customer',                     'خریدار',                         'عميل'),
    ('sales_cycle', 'past_high',             100, 'inactive',  'Past customer, high priority', 'مشتری سابق با اولویت بالا',      'عميل سابق بأولوية عالية'),
    ('sales_cycle', 'past_low',              110, 'inactive',  'Past customer, low priority',  'مشتری سابق با اولویت کم',        'عميل سابق بأولوية منخفضة'),
    ('sales_cycle', 'evangelist',            120, 'won',       'Evangelist',                   'مبلغ',                           'مروّج'),
    ('sales_cycle', 'friends_family',        130, 'won',       'Friends and family',           'دوستان و خانواده',               'الأصدقاء والعائلة');

INSERT INTO settings (key, value) VALUES
    ('pipeline', '"ladder"'),
    ('escalation_delay_hours', '24');
