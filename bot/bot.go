// Package bot is the Telegram front end of crmbot: it turns each update into
// domain operations and replies. Handlers run inside the update's database
// transaction (see internal/inbox); replies and notifications they queue
// commit with their writes, so a crash never doubles an effect.
//
// Routing, in order: updates from outside private chats are ignored;
// linked customers reach the customer-side handlers only; strangers get
// one polite sentence (unless they open an invite link);
// callbacks go to the action named in their data and are re-authorized
// there; messages go to commands, then to the chat's current flow, then to
// the main reply-keyboard actions, then to "a phone number opens its card",
// and finally to customer search.
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/chart"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// Replier queues a reply inside the update's transaction; it is sent right
// after the commit.
type Replier interface {
	Reply(ctx context.Context, m outbound.Message) error
}

// Notifier schedules a notification inside the current transaction.
type Notifier interface {
	Schedule(ctx context.Context, n outbound.Notification) error
}

// Deps is everything the bot needs.
type Deps struct {
	Store         Store
	Out           Replier
	Notify        Notifier
	I18n          *i18n.Bundle
	Now           func() time.Time
	BotUsername   string
	DefaultLocale string
	PhoneRegion   string // region for phone numbers without a country code
	OrgLocation   *time.Location
	Log           *slog.Logger
	Files         FileSource // fetches the files users send (imports)
}

// Bot handles updates. Create it with New.
type Bot struct {
	d        Deps
	commands map[string]handlerFunc
	actions  map[string]actionFunc
	// customerActions are the only buttons a linked customer may press.
	customerActions map[string]actionFunc
	// Each feature reaches the database through its own small interface
	// (d.Store in the product, a fake in a fast test of that feature).
	today      TodayStore
	people     StaffStore
	state      StateStore
	customers  CustomerStore
	activities ActivityStore
	followups  FollowUpStore
	dates      DateStore
	stages     StageStore
	teams      TeamStore
	onboarding OnboardingStore
	links      CustomerLinkStore
	relay      RelayStore
	digests    DigestStore   // digest.go
	chart      ChartRenderer // the digest's chart
	purchases  PurchaseStore
	policies   PolicyStore
	qualify    QualifyStore  // qualify.go
	interests  InterestStore // interests.go
	insights   InsightStore  // insights.go
	flows      map[string]flowFunc
	mainKeys   []mainKey
	labels     map[string]mainKey // folded label in any locale → main key

	// The survey feature's store, and the pipeline as its settings read it.
	surveys      SurveyStore
	surveyStages SurveyStageStore

	transfers TransferStore // import, export, erasure (transfer.go)
	files     FileSource
	exportMax int // the largest export file sent (maxExportBytes)

	campaigns CampaignStore    // campaigns.go
	news      ProductNewsStore // purchases_news.go: a check-in's new products
	newsCache productNews
}

type (
	handlerFunc func(r *req) error
	actionFunc  func(r *req, args []string) error
	flowFunc    func(r *req, st *State) error
)

// mainKey is one button of the persistent reply keyboard: its message ID
// (its label in every locale), what it does, and who sees it (managers and
// admins only, when forLeads).
type mainKey struct {
	id       string
	run      handlerFunc
	forLeads bool
}

// New returns a Bot with every route registered.
func New(d Deps) *Bot {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.OrgLocation == nil {
		d.OrgLocation = time.UTC
	}
	b := &Bot{d: d, commands: map[string]handlerFunc{}, actions: map[string]actionFunc{}, customerActions: map[string]actionFunc{},
		flows: map[string]flowFunc{}}
	b.today, b.people, b.state, b.customers, b.activities = d.Store, d.Store, d.Store, d.Store, d.Store
	b.followups, b.dates, b.stages, b.teams, b.onboarding = d.Store, d.Store, d.Store, d.Store, d.Store
	b.links, b.relay = d.Store, d.Store
	b.surveys, b.surveyStages = d.Store, d.Store
	b.digests, b.chart = d.Store, chart.NewRenderer(chartsAtOnce).Render
	b.purchases, b.policies = d.Store, d.Store
	b.qualify, b.interests, b.insights = d.Store, d.Store, d.Store
	b.transfers, b.files, b.exportMax = d.Store, d.Files, maxExportBytes
	b.campaigns = d.Store
	b.news = d.Store
	b.routes()
	b.labels = map[string]mainKey{}
	for _, k := range b.mainKeys {
		for _, l := range i18n.Supported() {
			b.labels[textnorm.Fold(d.I18n.For(l).T(k.id, nil))] = k
		}
	}
	return b
}

// routes registers every feature's commands, actions and flows. Each
// feature lives in its own file with its own routesXxx method.
func (b *Bot) routes() {
	b.routesCore()
	b.routesOnboarding()
	b.routesCustomers()
	b.routesStages()
	b.routesTeam()
	b.routesActivities()
	b.routesFollowUps()
	b.routesDates()
	b.routesToday()
	b.routesCustomerLink()
	b.routesSurveys()
	b.routesDigest()
	b.routesPurchases()
	b.routesQualify()
	b.routesInterests()
	b.routesInsights()
	b.routesTransfer()
	b.routesCampaigns()
}

func (b *Bot) command(name string, h handlerFunc) { b.commands[name] = h }

// action registers the handler of a callback code; a code registered twice
// is a programming error that would send one feature's presses to
// another's handler, so the bot refuses to start.
func (b *Bot) action(code string, h actionFunc) {
	if _, dup := b.actions[code]; dup {
		panic(fmt.Sprintf("bot: callback code %q registered twice", code))
	}
	b.actions[code] = h
}
func (b *Bot) flow(name string, h flowFunc) { b.flows[name] = h }
func (b *Bot) mainKey(labelID string, h handlerFunc) {
	b.mainKeys = append(b.mainKeys, mainKey{id: labelID, run: h})
}

// leadKey is a main-keyboard button only managers and admins see.
func (b *Bot) leadKey(labelID string, h handlerFunc) {
	b.mainKeys = append(b.mainKeys, mainKey{id: labelID, run: h, forLeads: true})
}

// Handle processes one update. It returns an error only for failures worth
// retrying (the database, the network); a user's mistake is answered with a
// localized sentence and counts as handled.
func (b *Bot) Handle(ctx context.Context, u *models.Update) error {
	if ok, err := b.handleOther(ctx, u); ok {
		return err
	}
	r, ok := b.newReq(ctx, u)
	if !ok {
		return nil
	}
	if r.loadErr != nil {
		return r.loadErr // the database: retried, never taken for a stranger
	}
	err := b.dispatch(r)
	if err == nil {
		err = r.finish()
	}
	return b.userError(r, err)
}

// Parked tells the sender of an update that kept failing and was set aside
// that something went wrong on our side, in their language, so they know to
// try again rather than wait. raw is the update as Telegram sent it.
func (b *Bot) Parked(ctx context.Context, raw []byte) error {
	var u models.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return err
	}
	r, ok := b.newReq(ctx, &u)
	if !ok || r.staff.ID == 0 || !r.staff.Active {
		return nil
	}
	// A callback query is long expired by now: write a message instead.
	return r.send(r.t("error.internal", nil), nil)
}

// userError answers a domain error in the user's language and swallows it;
// other errors go back to the dispatcher to be retried.
func (b *Bot) userError(r *req, err error) error {
	if err == nil {
		return nil
	}
	code := crm.ErrorCode(err)
	if code == crm.EInternal || errors.Is(err, context.Canceled) {
		return err
	}
	text := r.t("error."+code, nil)
	if r.cb != nil && !r.answered {
		if err := r.toast(text, true); err != nil {
			return err
		}
		return nil
	}
	if err := r.send(text, nil); err != nil {
		return err
	}
	return r.finish()
}

// dispatch routes an update. Who the sender is decides the route, here
// and nowhere else: active staff reach the staff handlers; a linked
// customer reaches only the customer-side ones (customer_route.go); anyone
// else hears one polite sentence.
func (b *Bot) dispatch(r *req) error {
	if r.staff.ID == 0 || !r.staff.Active {
		if r.customer.ID != 0 {
			return b.customerRoute(r)
		}
		return b.stranger(r)
	}
	if r.cb != nil {
		return b.callback(r)
	}
	if r.staff.WelcomedAt.IsZero() {
		// The first message of a staff member who never pressed /start
		// (a greeting, a name, anything): the welcome comes first.
		if done, err := b.firstContact(r); done || err != nil {
			return err
		}
	}
	if handled, err := b.relayReplyTo(r); handled {
		return err
	}
	if r.msg != nil && r.msg.Document != nil {
		return b.onDocument(r) // an import file, whatever flow the chat is in
	}
	if cmd, arg, ok := parseCommand(r.msg, b.d.BotUsername); ok {
		r.arg = arg
		if h := b.commands[cmd]; h != nil {
			return h(r)
		}
		return r.send(r.t("core.unknown_command", nil), nil)
	}
	// A main-keyboard button always wins: pressed in the middle of a flow,
	// it leaves the flow and does what it says.
	if k, ok := b.mainKeyFor(r.msg.Text); ok {
		if err := r.clearState(); err != nil {
			return err
		}
		return k.run(r)
	}
	if st, err := r.state(); err != nil {
		return err
	} else if st != nil {
		if h := b.flows[st.Flow]; h != nil {
			return h(r, st)
		}
		if err := r.clearState(); err != nil {
			return err
		}
	}
	return b.freeInput(r)
}

// mainKeyFor returns the main-keyboard button labelled text, in any locale
// (a reply keyboard survives a language change).
func (b *Bot) mainKeyFor(text string) (mainKey, bool) {
	if text == "" {
		return mainKey{}, false
	}
	k, ok := b.labels[textnorm.Fold(text)]
	return k, ok
}

// stranger answers anyone who is not active staff: invite links are
// redeemed, everyone else hears one polite sentence and nothing more.
func (b *Bot) stranger(r *req) error {
	if r.msg != nil {
		if cmd, arg, ok := parseCommand(r.msg, b.d.BotUsername); ok && cmd == "start" && arg != "" {
			if h := b.commands["start"]; h != nil {
				r.arg = arg
				return h(r)
			}
		}
	}
	text := r.t("access.not_staff", nil)
	if r.cb != nil {
		return r.toast(text, true)
	}
	return r.send(text, replyKeyboardRemove())
}

func (b *Bot) callback(r *req) error {
	code, args, err := decodeCallback(r.cb.Data)
	if err != nil {
		return r.toast(r.t("error.stale_button", nil), false)
	}
	h := b.actions[code]
	if h == nil {
		return r.toast(r.t("error.stale_button", nil), false)
	}
	return h(r, args)
}
