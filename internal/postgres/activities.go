package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

const activityColumns = `a.id, a.customer_id, coalesce(a.staff_id, 0), coalesce(s.display_name, a.from_name, ''), a.kind,
	coalesce(a.outcome, ''), coalesce(a.duration_seconds, 0), coalesce(a.note, ''), coalesce(a.voice_file_id, ''),
	coalesce(a.voice_duration, 0), a.latitude, a.longitude, a.occurred_at, coalesce(a.source_update_id, 0)`

const activityFrom = ` FROM activities a LEFT JOIN staff s ON s.id = a.staff_id `

func scanActivity(row pgx.Row) (crm.Activity, error) {
	var a crm.Activity
	var kind, outcome string
	var dur, voiceDur int32
	var lat, lon *float64
	err := row.Scan(&a.ID, &a.CustomerID, &a.StaffID, &a.StaffName, &kind, &outcome, &dur, &a.Note,
		&a.VoiceFileID, &voiceDur, &lat, &lon, &a.OccurredAt, &a.SourceUpdateID)
	a.Kind, a.Outcome = crm.ActivityKind(kind), crm.Outcome(outcome)
	a.Duration = time.Duration(dur) * time.Second
	a.VoiceDuration = time.Duration(voiceDur) * time.Second
	if lat != nil && lon != nil {
		a.Latitude, a.Longitude, a.HasLocation = *lat, *lon, true
	}
	return a, err
}

// LogActivity stores a new activity and moves the customer's last contact
// forward. It is idempotent on a.SourceUpdateID: a replayed update returns
// the activity it created the first time, unchanged. Open follow-ups stay
// open: the rep settles them by choosing the next step (see bot), so a
// customer never drops off the list without someone deciding it.
func (db *DB) LogActivity(ctx context.Context, a crm.Activity) (out crm.Activity, err error) {
	defer wrap(&err, "log activity")
	if err := a.Validate(); err != nil {
		return out, err
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		out, err = logActivity(ctx, db.q(ctx), a, db.now())
		return err
	})
	return out, err
}

func logActivity(ctx context.Context, tx Querier, a crm.Activity, now time.Time) (crm.Activity, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO activities (customer_id, staff_id, kind, outcome, duration_seconds, note,
			voice_file_id, voice_duration, latitude, longitude, occurred_at, created_at, source_update_id)
		VALUES ($1, nullif($2, 0::bigint), $3, nullif($4, ''), nullif($5, 0), nullif($6, ''), nullif($7, ''), nullif($8, 0),
			$9, $10, $11, $12, nullif($13, 0::bigint))
		ON CONFLICT (source_update_id) DO NOTHING RETURNING id`,
		a.CustomerID, a.StaffID, a.Kind, a.Outcome, int32(a.Duration/time.Second), a.Note, a.VoiceFileID,
		int32(a.VoiceDuration/time.Second), latLon(a, a.Latitude), latLon(a, a.Longitude), a.OccurredAt, now,
		a.SourceUpdateID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		// A replay: the update already created its activity.
		return scanActivity(tx.QueryRow(ctx, `SELECT `+activityColumns+activityFrom+`WHERE a.source_update_id = $1`, a.SourceUpdateID))
	}
	if err != nil {
		return crm.Activity{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE customers SET last_contact_at = greatest(coalesce(last_contact_at, $2), $2)
		WHERE id = $1`, a.CustomerID, a.OccurredAt); err != nil {
		return crm.Activity{}, err
	}
	return scanActivity(tx.QueryRow(ctx, `SELECT `+activityColumns+activityFrom+`WHERE a.id = $1`, id))
}

func latLon(a crm.Activity, v float64) *float64 {
	if !a.HasLocation {
		return nil
	}
	return &v
}

// AmendActivity replaces the details of a stored activity: note, voice,
// duration and location. Its time only moves earlier (a detail sent from a
// phone without signal carries the real time of the contact).
func (db *DB) AmendActivity(ctx context.Context, a crm.Activity) (err error) {
	defer wrap(&err, "amend activity")
	if err := a.Validate(); err != nil {
		return err
	}
	tag, err := db.q(ctx).Exec(ctx, `UPDATE activities SET duration_seconds = nullif($2, 0), note = nullif($3, ''),
			voice_file_id = nullif($4, ''), voice_duration = nullif($5, 0), latitude = $6, longitude = $7,
			occurred_at = least(occurred_at, $8)
		WHERE id = $1`, a.ID, int32(a.Duration/time.Second), a.Note, a.VoiceFileID, int32(a.VoiceDuration/time.Second),
		latLon(a, a.Latitude), latLon(a, a.Longitude), a.OccurredAt)
	if err == nil && tag.RowsAffected() == 0 {
		return crm.Errorf(crm.ENotFound, "activity %d", a.ID)
	}
	if err == nil {
		_, err = db.q(ctx).Exec(ctx, `UPDATE customers c SET last_contact_at = greatest(coalesce(c.last_contact_at, a.occurred_at), a.occurred_at)
			FROM activities a WHERE a.id = $1 AND c.id = a.customer_id`, a.ID)
	}
	return err
}

// Activity returns an activity by id. crm.ENotFound if there is none.
func (db *DB) Activity(ctx context.Context, id int64) (a crm.Activity, err error) {
	defer wrap(&err, "activity")
	return scanActivity(db.q(ctx).QueryRow(ctx, `SELECT `+activityColumns+activityFrom+`WHERE a.id = $1`, id))
}

// LastNote returns the customer's latest activity that carries a note or a
// voice message. crm.ENotFound if there is none.
func (db *DB) LastNote(ctx context.Context, customerID int64) (a crm.Activity, err error) {
	defer wrap(&err, "last note")
	return scanActivity(db.q(ctx).QueryRow(ctx, `SELECT `+activityColumns+activityFrom+`
		WHERE a.customer_id = $1 AND (a.note IS NOT NULL OR a.voice_file_id IS NOT NULL)
		ORDER BY a.occurred_at DESC, a.id DESC LIMIT 1`, customerID))
}

// History returns a page of a customer's activities and stage changes
// interleaved, newest first, and how many entries there are in all.
func (db *DB) History(ctx context.Context, customerID int64, offset, limit int) (page []crm.HistoryEntry, total int, err error) {
	defer wrap(&err, "history")
	q := db.q(ctx)
	err = q.QueryRow(ctx, `SELECT (SELECT count(*) FROM activities WHERE customer_id = $1)
		+ (SELECT count(*) FROM stage_history WHERE customer_id = $1)
		+ (SELECT count(*) FROM follow_up_events WHERE customer_id = $1)
		+ (SELECT count(*) FROM survey_responses WHERE customer_id = $1)
		+ (SELECT count(*) FROM campaign_recipients WHERE customer_id = $1 AND sent_at IS NOT NULL AND channel = 'message')`, customerID).Scan(&total)
	if err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT kind, id, at FROM (
			SELECT 'a' AS kind, id, occurred_at AS at FROM activities WHERE customer_id = $1
			UNION ALL
			SELECT 's', id, changed_at FROM stage_history WHERE customer_id = $1
			UNION ALL
			SELECT 'f', id, at FROM follow_up_events WHERE customer_id = $1
			UNION ALL
			SELECT 'v', request_id, answered_at FROM survey_responses WHERE customer_id = $1
			UNION ALL
			SELECT 'm', campaign_id, sent_at FROM campaign_recipients WHERE customer_id = $1 AND sent_at IS NOT NULL AND channel = 'message'
		) h ORDER BY at DESC, kind, id DESC OFFSET $2 LIMIT $3`, customerID, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	type ref struct {
		kind string
		id   int64
		at   time.Time
	}
	refs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ref, error) {
		var r ref
		return r, row.Scan(&r.kind, &r.id, &r.at)
	})
	if err != nil {
		return nil, 0, err
	}
	var feIDs []int64
	for _, r := range refs {
		if r.kind == "f" {
			feIDs = append(feIDs, r.id)
		}
	}
	events, err := followUpEvents(ctx, q, feIDs)
	if err != nil {
		return nil, 0, err
	}
	for _, r := range refs {
		e := crm.HistoryEntry{At: r.at}
		switch r.kind {
		case "a":
			a, err := scanActivity(q.QueryRow(ctx, `SELECT `+activityColumns+activityFrom+`WHERE a.id = $1`, r.id))
			if err != nil {
				return nil, 0, err
			}
			e.Activity = &a
		case "f":
			fe, ok := events[r.id]
			if !ok {
				return nil, 0, crm.Errorf(crm.ENotFound, "follow-up event %d", r.id)
			}
			e.FollowUp = &fe
		case "v":
			s, err := scanSurvey(q.QueryRow(ctx, `SELECT `+surveyColumns+surveyFrom+`WHERE r.id = $1`, r.id))
			if err != nil {
				return nil, 0, err
			}
			e.Survey = &s
		case "m":
			m, err := campaignSend(ctx, q, r.id, customerID)
			if err != nil {
				return nil, 0, err
			}
			e.Campaign = &m
		default:
			sc, err := stageChange(ctx, q, r.id)
			if err != nil {
				return nil, 0, err
			}
			e.StageChange = &sc
		}
		page = append(page, e)
	}
	return page, total, nil
}

// followUpEvents loads the follow-up events of a history page in one query.
func followUpEvents(ctx context.Context, q Querier, ids []int64) (map[int64]crm.FollowUpEvent, error) {
	out := map[int64]crm.FollowUpEvent{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT e.id, e.customer_id, e.kind, e.due_at, coalesce(s.display_name, ''), e.at
		FROM follow_up_events e LEFT JOIN staff s ON s.id = e.staff_id WHERE e.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var fe crm.FollowUpEvent
		var due *time.Time
		var kind string
		if err := rows.Scan(&id, &fe.CustomerID, &kind, &due, &fe.ByName, &fe.At); err != nil {
			return nil, err
		}
		fe.Kind = crm.FollowUpEventKind(kind)
		if due != nil {
			fe.DueAt = *due
		}
		out[id] = fe
	}
	return out, rows.Err()
}

func stageChange(ctx context.Context, q Querier, id int64) (crm.StageChange, error) {
	var sc crm.StageChange
	var fromID *int64
	var fromKey, fromEn, fromFa, fromAr *string
	var to crm.Stage
	var toEn, toFa, toAr string
	err := q.QueryRow(ctx, `SELECT h.customer_id, h.from_stage_id, f.key, f.name_en, f.name_fa, f.name_ar,
			t.id, t.key, t.name_en, t.name_fa, t.name_ar, coalesce(s.display_name, ''), h.changed_at,
			coalesce(h.reason_code, ''), coalesce(h.reason_text, '')
		FROM stage_history h JOIN stages t ON t.id = h.to_stage_id
		LEFT JOIN stages f ON f.id = h.from_stage_id LEFT JOIN staff s ON s.id = h.changed_by
		WHERE h.id = $1`, id).Scan(&sc.CustomerID, &fromID, &fromKey, &fromEn, &fromFa, &fromAr,
		&to.ID, &to.Key, &toEn, &toFa, &toAr, &sc.ByName, &sc.At, &sc.ReasonCode, &sc.ReasonText)
	if err != nil {
		return sc, err
	}
	to.Names = map[string]string{"en": toEn, "fa": toFa, "ar": toAr}
	sc.To = to
	if fromID != nil {
		sc.From = crm.Stage{ID: *fromID, Key: *fromKey, Names: map[string]string{"en": *fromEn, "fa": *fromFa, "ar": *fromAr}}
	}
	return sc, nil
}

// CustomersToLog returns up to limit live customers that actor may log
// contacts with, matching query by name, company or phone (any letter
// variant and digits), or, with an empty query, those contacted most
// recently. Reps get their own customers, managers their team's and their
// own, admins everyone's.
func (db *DB) CustomersToLog(ctx context.Context, actor crm.Staff, query string, limit int) (cs []crm.Customer, err error) {
	defer wrap(&err, "customers to log")
	folded := strings.NewReplacer("%", "", "_", "", "\\", "").Replace(textnorm.Fold(query))
	digits := strings.TrimLeft(textnorm.Digits(query), "0")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+customerColumns+customerFrom+`
		WHERE c.deleted_at IS NULL
		  AND ($2 = 'admin' OR c.owner_id = $1 OR ($2 = 'manager' AND o.team_id = $3))
		  AND ($4 = '' OR c.name_norm LIKE '%' || $4 || '%' OR coalesce(c.company_norm, '') LIKE '%' || $4 || '%'
		       OR (length($5) >= 4 AND EXISTS (SELECT 1 FROM customer_phones p WHERE p.customer_id = c.id
		           AND p.e164 LIKE '%' || $5 || '%')))
		ORDER BY c.last_contact_at DESC NULLS LAST, c.id DESC LIMIT $6`,
		actor.ID, string(actor.Role), actor.TeamID, folded, digits, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Customer, error) { return scanCustomer(row) })
}

// RecordNoteMessage remembers that the chat message messageID put text into
// the note of activity activityID, so that an edit of that message can edit
// the note (a replayed update changes nothing).
func (db *DB) RecordNoteMessage(ctx context.Context, chatID, messageID, activityID int64, text string) (err error) {
	defer wrap(&err, "record note message")
	_, err = db.q(ctx).Exec(ctx, `INSERT INTO note_messages (chat_id, message_id, activity_id, text, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id, message_id) DO NOTHING`, chatID, messageID, activityID, text, db.now())
	return err
}

// NoteMessage returns the activity a chat message put a note into and the
// text it put there. crm.ENotFound when the message made no note.
func (db *DB) NoteMessage(ctx context.Context, chatID, messageID int64) (activityID int64, text string, err error) {
	defer wrap(&err, "note message")
	err = db.q(ctx).QueryRow(ctx, `SELECT activity_id, text FROM note_messages WHERE chat_id = $1 AND message_id = $2`,
		chatID, messageID).Scan(&activityID, &text)
	return activityID, text, err
}

// UpdateNoteMessage records the new text of an edited note message.
func (db *DB) UpdateNoteMessage(ctx context.Context, chatID, messageID int64, text string) (err error) {
	defer wrap(&err, "update note message")
	_, err = db.q(ctx).Exec(ctx, `UPDATE note_messages SET text = $3 WHERE chat_id = $1 AND message_id = $2`, chatID, messageID, text)
	return err
}
