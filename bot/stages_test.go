package bot

import (
	"strings"
	"testing"
	"time"
)

// stageID returns the id of a stage by template and key.
func (h *harness) stageID(template, key string) int64 {
	return scalar[int64](h, `SELECT id FROM stages WHERE template = $1 AND key = $2`, template, key)
}

func TestStageMovesWithAndWithoutReason(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			c := id(o.customer)
			got := h.press(o.a.user, 1, cb(actStageMenu, c))
			if n := len(allButtons(got)); n != 10+1 || !strings.Contains(dump(got), "✓ ") {
				t.Fatalf("stage menu: %s", dump(got))
			}
			prospect := h.stageID("ladder", "prospect")
			pressedAt := h.now
			got = h.press(o.a.user, 1, cb(actStageMove, c, id(prospect)))
			name := scalar[string](h, `SELECT name_`+lang+` FROM stages WHERE id = $1`, prospect)
			if !strings.Contains(texts(got), h.tr(lang, "card.stage", map[string]any{"Stage": name})) {
				t.Fatalf("after the move: %s", dump(got))
			}

			// Lost needs a reason: a preset...
			h.now = h.now.Add(time.Hour)
			got = h.press(o.a.user, 1, cb(actStageMove, c, id(o.lost)))
			if !strings.Contains(dump(got), h.tr(lang, "stage.reason.price", nil)) {
				t.Fatalf("no reasons offered: %s", dump(got))
			}
			if s := scalar[int64](h, `SELECT stage_id FROM customers WHERE id = $1`, o.customer); s != prospect {
				t.Fatal("moved to lost without a reason")
			}
			h.press(o.a.user, 1, button(t, got, actStageReason+":"))
			// ... or typed text, to a side exit.
			disq := h.stageID("ladder", "disqualified")
			h.press(o.a.user, 1, cb(actStageMove, c, id(disq)))
			h.text(o.a.user, "اعتبار کافی ندارد")

			rows, err := h.db.Pool.Query(t.Context(), `SELECT f.key, t.key, changed_by, changed_at, coalesce(reason_code, ''), coalesce(reason_text, '')
				FROM stage_history h LEFT JOIN stages f ON f.id = h.from_stage_id JOIN stages t ON t.id = h.to_stage_id
				WHERE customer_id = $1 AND from_stage_id IS NOT NULL ORDER BY h.id`, o.customer)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for rows.Next() {
				var from, to, code, text string
				var by int64
				var at time.Time
				rows.Scan(&from, &to, &by, &at, &code, &text)
				if by != o.a.id {
					t.Errorf("changed_by %d, want %d", by, o.a.id)
				}
				lines = append(lines, from+">"+to+":"+code+":"+text)
				if to == "prospect" && !at.Equal(pressedAt) {
					t.Errorf("changed_at %v, want %v", at, pressedAt)
				}
			}
			want := "suspect>prospect::,prospect>lost:price:,lost>disqualified:other:اعتبار کافی ندارد"
			if strings.Join(lines, ",") != want {
				t.Fatalf("history:\n got %s\nwant %s", strings.Join(lines, ","), want)
			}
			if n := scalar[int](h, `SELECT count(*) FROM audit_log WHERE action = 'customer.stage'`); n != 3 {
				t.Fatalf("audit entries: %d", n)
			}
		})
	}
}

func TestAdminSwitchesPipelineAndRenamesStages(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "fa")
	h := o.h
	got := h.text(o.admin.user, "/pipeline")
	if !strings.Contains(texts(got), "نردبان مشتری") {
		t.Fatalf("pipeline: %s", dump(got))
	}
	h.press(o.admin.user, 1, cb(actPipeSwitch, "sales_cycle"))
	if tpl := scalar[string](h, `SELECT value #>> '{}' FROM settings WHERE key = 'pipeline'`); tpl != "sales_cycle" {
		t.Fatalf("pipeline %q", tpl)
	}
	// A customer of the old pipeline moves into the new one.
	lead := h.stageID("sales_cycle", "lead")
	got = h.press(o.a.user, 1, cb(actStageMenu, id(o.customer)))
	if !hasButton(got, cb(actStageMove, id(o.customer), id(lead))) {
		t.Fatalf("the stage menu does not offer the new pipeline: %s", dump(got))
	}
	h.press(o.a.user, 1, cb(actStageMove, id(o.customer), id(lead)))
	if s := scalar[int64](h, `SELECT stage_id FROM customers WHERE id = $1`, o.customer); s != lead {
		t.Fatal("the move into the new pipeline failed")
	}

	// Rename: asked in the admin's language first, then the others.
	got = h.press(o.admin.user, 1, cb(actPipeRename, id(lead)))
	if !strings.HasSuffix(texts(got), h.tr("fa", "stage.ask_name_fa", nil)) {
		t.Fatalf("rename asks: %s", dump(got))
	}
	h.text(o.admin.user, "سرنخ داغ")
	h.text(o.admin.user, "Hot lead")
	got = h.text(o.admin.user, "عميل واعد")
	var en, fa, ar string
	h.db.Pool.QueryRow(t.Context(), `SELECT name_en, name_fa, name_ar FROM stages WHERE id = $1`, lead).Scan(&en, &fa, &ar)
	if en != "Hot lead" || fa != "سرنخ داغ" || ar != "عميل واعد" || !strings.Contains(texts(got), "سرنخ داغ") {
		t.Fatalf("renamed to %q %q %q: %s", en, fa, ar, dump(got))
	}

	// Add, reorder and archive.
	h.press(o.admin.user, 1, cb(actPipeNewStage))
	h.text(o.admin.user, "ویژه")
	h.text(o.admin.user, "VIP")
	h.text(o.admin.user, "مميز")
	added := scalar[int64](h, `SELECT id FROM stages WHERE name_en = 'VIP'`)
	h.press(o.admin.user, 1, cb(actPipeUp, id(added)))
	last := scalar[string](h, `SELECT name_en FROM stages WHERE template = 'sales_cycle' AND NOT archived ORDER BY position DESC, id DESC LIMIT 1`)
	if last == "VIP" {
		t.Fatal("moving up did not reorder")
	}
	h.press(o.admin.user, 1, cb(actPipeArchive, id(added)))
	if !scalar[bool](h, `SELECT archived FROM stages WHERE id = $1`, added) {
		t.Fatal("not archived")
	}
}
