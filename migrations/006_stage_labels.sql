-- Default stage names in the words sales teams use (docs/GLOSSARY.md), not
-- the articles' academic terms: «مشکوک» reads as "suspicious" and «مدافع» as
-- "defender", so a suspect is a lead (سرنخ، عميل محتمل), a prospect a
-- potential or qualified customer (مشتری بالقوه، عميل مؤهل), and so on; «مبلغ»
-- reads as "amount" before it reads as "evangelist". The concepts stay those
-- of DOMAIN.md; only the labels change.
--
-- 002 already ran on deployed databases, so the new defaults are set here.
-- Each name changes only while it still equals the old default: an admin's
-- rename survives, one language at a time.
WITH label (template, key, old_en, new_en, old_fa, new_fa, old_ar, new_ar) AS (VALUES
    ('ladder', 'suspect',      'Suspect',               'Lead',           'مشکوک',          'سرنخ',            'عميل مشتبه به',  'عميل محتمل'),
    ('ladder', 'prospect',     'Prospect',              'Prospect',       'محتمل',          'مشتری بالقوه',    'عميل محتمل',     'عميل مؤهل'),
    ('ladder', 'disqualified', 'Disqualified prospect', 'Disqualified',   'محتمل غیرموجه',  'ردصلاحیت‌شده',    'محتمل غير مؤهل', 'غير مؤهل'),
    ('ladder', 'client',       'Client',                'Loyal customer', 'مشتری دائمی',    'مشتری وفادار',    'عميل دائم',      'عميل دائم'),
    ('ladder', 'advocate',     'Advocate',              'Advocate',       'مدافع',          'مشتری معرف',      'مناصر',          'مناصر'),
    ('ladder', 'partner',      'Partner',               'Partner',        'شریک',           'شریک تجاری',      'شريك',           'شريك'),

    ('sales_cycle', 'subscriber',             'Subscriber',                   'Subscriber',                   'مشترک',                      'عضو خبرنامه',              'مشترك',     'مشترك في النشرة'),
    ('sales_cycle', 'lead',                   'Lead',                         'Lead',                         'مشتری راغب',                 'سرنخ',                     'عميل مهتم', 'عميل محتمل'),
    ('sales_cycle', 'unqualified_lead',       'Unqualified lead',             'Unqualified lead',             'راغب ولی بی‌کیفیت',          'سرنخ بی‌کیفیت',            'عميل مهتم غير مؤهل', 'عميل محتمل غير مؤهل'),
    ('sales_cycle', 'qualified_nurturing',    'Qualified, nurturing',         'Qualified, nurturing',         'ادامه‌دار و باکیفیت',        'باکیفیت، تماس در آینده',   'مؤهل قيد المتابعة', 'مؤهل قيد المتابعة'),
    ('sales_cycle', 'qualified_unresponsive', 'Qualified, unresponsive',      'Qualified, unresponsive',      'باکیفیت و ناموفق در ارتباط', 'باکیفیت، بی‌پاسخ',         'مؤهل لا يستجيب', 'مؤهل لا يستجيب'),
    ('sales_cycle', 'opportunity',            'Opportunity',                  'Opportunity',                  'فرصت ممکن',                  'فرصت فروش',                'فرصة بيع',  'فرصة بيع'),
    ('sales_cycle', 'past_high',              'Past customer, high priority', 'Past customer, high priority', 'مشتری سابق با اولویت بالا',  'مشتری سابق، اولویت بالا',  'عميل سابق بأولوية عالية', 'عميل سابق بأولوية عالية'),
    ('sales_cycle', 'past_low',               'Past customer, low priority',  'Past customer, low priority',  'مشتری سابق با اولویت کم',    'مشتری سابق، اولویت پایین', 'عميل سابق بأولوية منخفضة', 'عميل سابق بأولوية منخفضة'),
    ('sales_cycle', 'evangelist',             'Evangelist',                   'Evangelist',                   'مبلغ',                       'سفیر برند',                'مروّج',     'مروّج')
)
UPDATE stages s SET
    name_en = CASE WHEN s.name_en = l.old_en THEN l.new_en ELSE s.name_en END,
    name_fa = CASE WHEN s.name_fa = l.old_fa THEN l.new_fa ELSE s.name_fa END,
    name_ar = CASE WHEN s.name_ar = l.old_ar THEN l.new_ar ELSE s.name_ar END
FROM label l
WHERE s.template = l.template AND s.key = l.key;
