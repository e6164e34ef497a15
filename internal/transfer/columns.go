package transfer

import (
	"strings"

	"github.com/telecrm/crmbot/internal/textnorm"
)

// Columns of an import file, by their English key. An export writes these
// keys in its header, so an exported file imports back.
const (
	ColName     = "name"
	ColPhone    = "phone"
	ColCompany  = "company"
	ColJobTitle = "job_title"
	ColIndustry = "industry"
	ColCity     = "city"
	ColSource   = "source"
	ColTags     = "tags"
	ColOwner    = "owner"
	ColStage    = "stage"
	ColNotes    = "notes"
)

// Columns are the import columns in their export order.
var Columns = []string{ColName, ColPhone, ColCompany, ColJobTitle, ColIndustry, ColCity, ColSource, ColTags, ColOwner, ColStage, ColNotes}

// ignoredColumns are written by an export and skipped by an import.
var ignoredColumns = []string{"id", "owner_name", "stage_name", "created_at", "last_contact_at"}

// aliases are the other header words each column is known by (Persian and
// Arabic headers of files made by hand).
var aliases = map[string][]string{
	ColName:     {"full name", "customer", "نام", "نام مشتری", "اسم", "الاسم", "اسم العميل"},
	ColPhone:    {"phones", "mobile", "tel", "telephone", "تلفن", "شماره", "شماره تلفن", "موبایل", "همراه", "هاتف", "الهاتف", "رقم الهاتف", "الجوال", "جوال"},
	ColCompany:  {"organisation", "organization", "شرکت", "سازمان", "الشركة", "شركة"},
	ColJobTitle: {"job title", "title", "position", "سمت", "عنوان شغلی", "المسمى الوظيفي", "الوظيفة"},
	ColIndustry: {"صنعت", "حوزه", "الصناعة", "القطاع"},
	ColCity:     {"شهر", "المدينة", "مدينة"},
	ColSource:   {"منبع", "مرجع", "المصدر"},
	ColTags:     {"tag", "برچسب", "برچسب‌ها", "الوسوم", "وسوم"},
	ColOwner:    {"rep", "کارشناس", "مسئول", "مسؤول", "المسؤول", "المندوب"},
	ColStage:    {"مرحله", "المرحلة"},
	ColNotes:    {"note", "یادداشت", "توضیحات", "ملاحظات", "ملاحظة"},
}

// headerIndex maps a folded header word to its column key ("" for a
// column an import skips).
var headerIndex = func() map[string]string {
	m := map[string]string{}
	for _, c := range Columns {
		m[headerKey(c)] = c
		for _, a := range aliases[c] {
			m[headerKey(a)] = c
		}
	}
	for _, c := range ignoredColumns {
		m[headerKey(c)] = ""
	}
	return m
}()

// headerKey folds a header cell: case, Arabic and Persian letter forms,
// digits, and "job title", "Job-Title", "job_title" alike.
func headerKey(s string) string {
	s = textnorm.Fold(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}
