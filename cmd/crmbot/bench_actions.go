package main

import (
	"context"
	"strconv"
	"strings"
)

// The mix's actions, each a few steps as a rep takes them. Every tap uses
// callback data found on the bot's own messages.

// mixAction is one kind of thing a rep does, and how often (in percent).
type mixAction struct {
	name   string
	weight int
	run    func(r *rep, ctx context.Context, d *driver) error
}

var mixActions = []mixAction{
	{"find", 30, (*rep).find},
	{"open card", 20, (*rep).openCard},
	{"log call", 25, (*rep).logCall},
	{"move stage", 10, (*rep).moveStage},
	{"follow-up", 15, (*rep).followUp},
}

// Step kinds, as the report lists them.
const (
	stepSearch  = "search (text)"
	stepCard    = "card (tap cc:)"
	stepCall    = "call (tap lc:)"
	stepOutcome = "outcome (tap ao:)"
	stepNext    = "next step (tap ns:)"
	stepStages  = "stages (tap sm:)"
	stepStage   = "stage (tap sv:)"
	stepToday   = "/today (text)"
	stepDone    = "done (tap fd:)"
)

// search types a query and remembers a result list or a card it got.
func (r *rep) search(ctx context.Context, d *driver, query string) (reply, error) {
	rp, err := r.say(ctx, d, stepSearch, query)
	if err != nil {
		return rp, err
	}
	switch {
	case len(r.buttons(rp.msg, "cc:")) > 0:
		r.lastResults = rp.msg
	case len(r.buttons(rp.msg, "lc:")) > 0:
		r.lastCard = rp.msg
	}
	return rp, nil
}

// find looks a customer up by full name (which usually opens the card) or
// by surname (a list).
func (r *rep) find(ctx context.Context, d *driver) error {
	c := pick(r, r.customers)
	q := c.name
	if r.rng.IntN(2) == 0 {
		q = c.surname
	}
	_, err := r.search(ctx, d, q)
	return err
}

// openCard taps a search result; without a result list on screen it
// searches by a surname first.
func (r *rep) openCard(ctx context.Context, d *driver) error {
	results := r.buttons(r.lastResults, "cc:")
	if len(results) == 0 {
		rp, err := r.search(ctx, d, pick(r, r.customers).surname)
		if err != nil {
			return err
		}
		if results = r.buttons(rp.msg, "cc:"); len(results) == 0 {
			return nil // a single match: the card is open already
		}
	}
	msg := r.lastResults
	rp, err := r.tap(ctx, d, stepCard, msg, pick(r, results))
	if err != nil {
		return err
	}
	if len(r.buttons(rp.msg, "lc:")) == 0 {
		return r.broke("the card's buttons")
	}
	r.lastCard, r.lastResults = rp.msg, 0
	return nil
}

// card returns the message of an open card, finding a customer by full name
// (and tapping the result) when none is open.
func (r *rep) card(ctx context.Context, d *driver) (int64, error) {
	if len(r.buttons(r.lastCard, "lc:")) > 0 {
		return r.lastCard, nil
	}
	rp, err := r.search(ctx, d, pick(r, r.customers).name)
	if err != nil {
		return 0, err
	}
	if len(r.buttons(rp.msg, "lc:")) > 0 {
		return rp.msg, nil
	}
	results := r.buttons(rp.msg, "cc:")
	if len(results) == 0 {
		return 0, r.broke("a card or results")
	}
	if rp, err = r.tap(ctx, d, stepCard, rp.msg, results[0]); err != nil {
		return 0, err
	}
	if len(r.buttons(rp.msg, "lc:")) == 0 {
		return 0, r.broke("the card's buttons")
	}
	r.lastCard, r.lastResults = rp.msg, 0
	return rp.msg, nil
}

// logCall taps 📞 on a card, an outcome, then a next-step quick choice.
func (r *rep) logCall(ctx context.Context, d *driver) error {
	card, err := r.card(ctx, d)
	if err != nil {
		return err
	}
	lc := r.buttons(card, "lc:")
	if len(lc) == 0 {
		return r.broke("📞")
	}
	rp, err := r.tap(ctx, d, stepCall, card, lc[0])
	if err != nil {
		return err
	}
	var outcomes []string
	for _, b := range r.buttons(rp.msg, "ao:") {
		if strings.HasSuffix(b, ":reached") || strings.HasSuffix(b, ":no_answer") || strings.HasSuffix(b, ":busy") {
			outcomes = append(outcomes, b)
		}
	}
	if len(outcomes) == 0 {
		return r.broke("outcomes")
	}
	msg := rp.msg
	if rp, err = r.tap(ctx, d, stepOutcome, msg, pick(r, outcomes)); err != nil {
		return err
	}
	return r.nextStep(ctx, d, rp.msg)
}

// nextStep taps one of the quick next steps (tomorrow, in 3 days, next
// week) on message msg.
func (r *rep) nextStep(ctx context.Context, d *driver, msg int64) error {
	var quick []string
	for _, b := range r.buttons(msg, "ns:") {
		if strings.HasSuffix(b, ":t") || strings.HasSuffix(b, ":3") || strings.HasSuffix(b, ":w") {
			quick = append(quick, b)
		}
	}
	if len(quick) == 0 {
		return r.broke("next-step choices")
	}
	_, err := r.tap(ctx, d, stepNext, msg, pick(r, quick))
	return err
}

// moveStage opens a card's stage menu and moves the customer to another
// stage that needs no reason.
func (r *rep) moveStage(ctx context.Context, d *driver) error {
	card, err := r.card(ctx, d)
	if err != nil {
		return err
	}
	sm := r.buttons(card, "sm:")
	if len(sm) == 0 {
		return r.broke("the stage button")
	}
	cid, _ := strconv.ParseInt(strings.TrimPrefix(sm[0], "sm:"), 36, 64)
	rp, err := r.tap(ctx, d, stepStages, card, sm[0])
	if err != nil {
		return err
	}
	var moves []string
	var to []int64
	for _, b := range r.buttons(rp.msg, "sv:") {
		parts := strings.Split(b, ":")
		if len(parts) != 3 {
			continue
		}
		sid, _ := strconv.ParseInt(parts[2], 36, 64)
		if d.plainStage(sid) && sid != r.stage[cid] {
			moves, to = append(moves, b), append(to, sid)
		}
	}
	if len(moves) == 0 {
		return r.broke("stages to move to")
	}
	i := r.rng.IntN(len(moves))
	if _, err := r.tap(ctx, d, stepStage, rp.msg, moves[i]); err != nil {
		return err
	}
	r.stage[cid] = to[i]
	r.lastCard = rp.msg // the card comes back in place of the menu
	// A move answers twice: a toast (the step's answer), then the card.
	return r.second(ctx, "the card after the move")
}

// followUp opens /today, presses ✅ Done on a follow-up and picks the next
// step. A day with nothing due ends at the list.
func (r *rep) followUp(ctx context.Context, d *driver) error {
	rp, err := r.say(ctx, d, stepToday, "/today")
	if err != nil {
		return err
	}
	done := r.buttons(rp.msg, "fd:")
	if len(done) == 0 {
		return nil
	}
	msg := rp.msg
	if rp, err = r.tap(ctx, d, stepDone, msg, pick(r, done)); err != nil {
		return err
	}
	return r.nextStep(ctx, d, rp.msg)
}
