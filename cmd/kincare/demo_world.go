package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/providercache"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/adapters/usercache"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/allowances"
	"github.com/kincare/kincare/app/audittrail"
	appcatalog "github.com/kincare/kincare/app/catalog"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/devices"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/families"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/region"
)

// demoWorld is the district being built: the app's use cases wired to
// the store as the server wires them, but on the demo's clock and ids,
// and with events delivered to inboxes in the same process.
type demoWorld struct {
	opt   demoOptions
	clock *demoClock
	ids   *demoIDs
	rnd   demoRand
	store *mongo.Store
	log   *slog.Logger

	users        usercacheStore
	familySvc    *families.Service
	elderSvc     *elders.Service
	childSvc     *children.Service
	providerSvc  *providers.Service
	catalogSvc   *appcatalog.Service
	quoteSvc     *quotes.Service
	orderSvc     *orders.Service
	reserveSvc   *reservations.Service
	complaintSvc *complaints.Service
	notifySvc    *notify.Service
	ledgerSvc    *appledger.Service
	outbox       *mongo.Outbox
	journal      *mongo.Journal

	// inboxFrom: events before it count as delivered and purged long
	// ago; from it on they are delivered to inboxes.
	inboxFrom time.Time

	admin, regulator actor.Actor
	provs            []*demoProvider
	fams             []*demoFamily
	accounts         []demoAccount
	counts           map[string]int
}

// demoAccount is an account printed at the end, with a password set;
// of is the family or provider it belongs to, if any.
type demoAccount struct {
	Role  string `json:"role"`
	Phone string `json:"phone"`
	Who   string `json:"who"`
	Of    string `json:"of,omitempty"`
}

const demoPassword = "kincare-demo-2026"

func newDemoWorld(ctx context.Context, store *mongo.Store, rdb goredis.UniversalClient, signingKey []byte, o demoOptions,
	log *slog.Logger) (*demoWorld, error) {
	end := time.Now().UTC().Truncate(time.Minute)
	// The platform, providers and families come first, in the two
	// months before the year of orders.
	clock := &demoClock{now: end.AddDate(-1, -2, 0), end: end}
	rng := rand.New(rand.NewPCG(o.seed, 0x6b696e63617265)) // "kincare"
	w := &demoWorld{opt: o, clock: clock, rnd: demoRand{rand.New(rand.NewPCG(o.seed, 1))},
		ids: &demoIDs{clock: clock, rng: rng}, store: store, log: log, counts: map[string]int{},
		inboxFrom: end.AddDate(0, 0, -o.inboxDays)}
	now, newID := clock.Now, w.ids.New
	w.users = usercache.New(store.Users(), 20_000, time.Hour)
	var providerStore providers.Store = providercache.New(store.Providers())
	trail := audittrail.NewRecorder(store.Audit(), now, newID, log)
	w.familySvc = families.NewService(families.Deps{Families: store.Families(), Invites: store.Invites(), Users: w.users,
		Elders: store.Elders(), Children: store.Children(), Audit: trail, AuditDel: store.Audit(), Now: now, NewID: newID,
		InviteKey: family.InviteKey(deriveKey(signingKey, "kincare invite v1"))})
	w.elderSvc = elders.NewService(elders.Deps{Elders: store.Elders(), Families: store.Families(), Providers: providerStore,
		Orders: orders.History{Orders: store.Orders()}, Audit: trail, Now: now, NewID: newID})
	w.childSvc = children.NewService(children.Deps{Children: store.Children(), Families: store.Families(), Audit: trail,
		Now: now, NewID: newID})
	w.ledgerSvc = appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(), Journal: store.LedgerJournal(),
		Now: now, Log: log})
	allowanceSvc := allowances.NewService(allowances.Deps{Ledger: w.ledgerSvc, Elders: store.Elders(),
		Families: store.Families(), Orders: store.Orders(), Now: now, NewID: newID})
	w.quoteSvc = quotes.NewService(store.Elders(), store.Families(), providerStore, allowanceSvc, now)
	w.orderSvc = orders.NewService(orders.Deps{Orders: store.Orders(), Pricer: w.quoteSvc, Allowances: allowanceSvc,
		Log: log, Families: store.Families(), Providers: providerStore, Now: now, NewID: newID})
	geoIndex := redis.NewGeoIndex(rdb, "{geo:providers}")
	w.providerSvc = providers.NewService(providers.Deps{Providers: providerStore, Index: geoIndex, Users: w.users,
		Handover: w.orderSvc, Now: now, NewID: newID, Log: log})
	w.catalogSvc = appcatalog.NewService(providerStore, now, newID)
	w.complaintSvc = complaints.NewService(complaints.Deps{Complaints: store.Complaints(), Orders: store.Orders(),
		Bookings: store.Bookings(), Families: store.Families(), Providers: providerStore, Credit: w.providerSvc,
		Now: now, NewID: newID, Log: log})
	queue := &demoQueue{}
	w.reserveSvc = reservations.NewService(reservations.Deps{Engine: redis.NewReservations(rdb, "demo"), Slots: store.Slots(),
		Bookings: store.Bookings(), Offerings: store.Offerings(), Families: store.Families(), Children: store.Children(),
		Providers: providerStore, Reminders: queue, Now: now, NewID: newID, Log: log, KindLimit: 5})
	audiences := merge(w.familySvc.Audiences(), w.childSvc.Audiences(), w.providerSvc.Audiences(),
		w.orderSvc.Audiences(), w.reserveSvc.Audiences(), w.complaintSvc.Audiences(), allowanceSvc.Audiences(),
		devices.NewService(store.Devices(), now, newID).Audiences())
	kinds := notify.Catalog()
	for t := range kinds {
		if _, ok := audiences[t]; !ok {
			// Sign-in events (a new device, wrong passwords): nobody in
			// the demo signs in, so none are made.
			audiences[t] = notify.AudienceFunc(func(context.Context, event.Event) ([]notify.Recipient, error) {
				return nil, nil
			})
		}
	}
	notifySvc, err := notify.NewService(notify.Deps{
		Inbox: store.Inbox(), Preferences: store.NotificationPreferences(), Devices: store.Devices(), Users: w.users,
		Journal: store.Journal(), Queue: queue, Pusher: demoPusher{}, Kinds: kinds, Audiences: audiences,
		Now: now, NewID: newID, Log: log,
	})
	if err != nil {
		return nil, err
	}
	w.notifySvc, queue.notify = notifySvc, notifySvc
	w.outbox, w.journal = store.Outbox(), store.Journal()
	return w, nil
}

// build makes the district in the order its history happened.
func (w *demoWorld) build(ctx context.Context, out demoProgress) error {
	steps := []struct {
		what string
		run  func(context.Context) error
	}{
		{"the platform and the regulator", w.buildPlatform},
		{"providers, their menus, caregivers and childcare offerings", w.buildProviders},
		{"families, elders and children", w.buildFamilies},
		{"a year of orders, bookings, ratings and complaints", w.runYear},
		{"the ledger's journal", w.journalLedger},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
		if err := w.deliver(ctx); err != nil {
			return fmt.Errorf("notifications: %w", err)
		}
		fmt.Fprintf(out, "  %-58s %6.1fs\n", s.what, time.Since(start).Seconds())
	}
	return nil
}

// journalLedger does what a server's ledger reconciler would do within
// minutes of the year's end: a posting journals its entries at once but
// clears the account's mark only at the account's next posting, so the
// year leaves every account marked after its last one (4,428 at 20,000
// orders), and a server's first start on the store would spend its
// first minutes re-journaling them, a versioned write each.
func (w *demoWorld) journalLedger(ctx context.Context) error {
	w.clock.set(w.clock.Now().Add(appledger.DefaultGrace))
	_, err := w.ledgerSvc.Reconcile(ctx)
	return err
}

type demoProgress interface {
	Write(p []byte) (int, error)
}

// newUser creates an account as a first login would, with roles.
func (w *demoWorld) newUser(ctx context.Context, phone string, roles ...identity.Role) (actor.Actor, error) {
	p, err := identity.ParsePhone(phone)
	if err != nil {
		return actor.Actor{}, err
	}
	u, err := identity.NewUser(w.ids.New(), p, w.clock.Now())
	if err != nil {
		return actor.Actor{}, err
	}
	u.GrantRoles(roles...)
	if _, _, err := w.users.FirstOrCreate(ctx, u); err != nil {
		return actor.Actor{}, err
	}
	w.counts["users"]++
	return actor.Actor{UserID: u.ID(), Roles: u.Roles(), RequestID: "demo"}, nil
}

// refresh reads an actor's roles again (a staff invite grants one).
func (w *demoWorld) refresh(ctx context.Context, a actor.Actor) (actor.Actor, error) {
	u, err := w.users.ByID(ctx, a.UserID)
	if err != nil {
		return a, err
	}
	a.Roles = u.Roles()
	return a, nil
}

// account sets a password on an account printed at the end.
func (w *demoWorld) account(ctx context.Context, a actor.Actor, role, phone, who, of string) error {
	hash, err := identity.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	if _, err := w.users.Update(ctx, a.UserID, func(u *identity.User) error { u.SetPassword(hash); return nil }); err != nil {
		return err
	}
	w.accounts = append(w.accounts, demoAccount{Role: role, Phone: phone, Who: who, Of: of})
	return nil
}

func (w *demoWorld) buildPlatform(ctx context.Context) error {
	var err error
	phone := demoPhone("138", 0)
	if w.admin, err = w.newUser(ctx, phone, identity.RolePlatformAdmin); err != nil {
		return err
	}
	if err := w.account(ctx, w.admin, "platform admin", phone, "平台管理员", ""); err != nil {
		return err
	}
	phone = demoPhone("138", 1)
	if w.regulator, err = w.newUser(ctx, phone, identity.RoleRegulator); err != nil {
		return err
	}
	// Xuhui's civil-affairs bureau oversees Xuhui, where the demo's
	// providers and elders are.
	xuhui := region.UnmarshalScope([]string{"310104"})
	if _, err := w.users.Update(ctx, w.regulator.UserID, func(u *identity.User) error {
		u.SetRegions(xuhui)
		return nil
	}); err != nil {
		return err
	}
	w.regulator.Regions = xuhui
	return w.account(ctx, w.regulator, "regulator", phone, "徐汇区民政局 监管员", "")
}

// deliver hands on every event the outboxes hold, as the relay and the
// worker would: into inboxes (and pushed, to nobody's phone) when it
// happened within the inbox days, else only cleared.
func (w *demoWorld) deliver(ctx context.Context) error {
	for {
		batches, err := w.outbox.Pending(ctx, 200)
		if err != nil {
			return err
		}
		if len(batches) == 0 {
			return nil
		}
		for _, b := range batches {
			var recent []event.Event
			for _, e := range b.Events {
				if !e.At.Before(w.inboxFrom) {
					recent = append(recent, e)
				}
			}
			if len(recent) > 0 {
				if err := w.journal.Save(ctx, recent); err != nil {
					return err
				}
				for _, e := range recent {
					if err := w.notifySvc.Deliver(ctx, e); err != nil {
						return fmt.Errorf("deliver %s: %w", e.Type, err)
					}
					w.counts["events delivered"]++
				}
			}
			w.counts["events"] += len(b.Events)
			if err := w.outbox.Clear(ctx, b); err != nil {
				return err
			}
		}
	}
}

// demoQueue stands in for the job queue: a push is sent at once (to no
// device: demo people have no phones registered), and reminders are not
// kept, the demo's year being over before they would fire.
type demoQueue struct{ notify *notify.Service }

func (q *demoQueue) EnqueueEvent(context.Context, event.Event) (bool, error) { return false, nil }

func (q *demoQueue) EnqueuePush(ctx context.Context, id string, _ time.Time) (bool, error) {
	_, err := q.notify.SendPush(ctx, id, true)
	return err == nil, err
}

// demoPusher is never reached: nobody in the demo registered a device.
type demoPusher struct{}

func (demoPusher) Send(context.Context, notify.Push) error { return nil }

// printAccounts tells what was made and who to log in as.
func (w *demoWorld) printAccounts(out demoProgress, took time.Duration) {
	fmt.Fprintf(out, "\nmade in %s:", took.Round(time.Second))
	for _, k := range []string{"providers", "caregivers", "users", "families", "elders", "allowances", "children",
		"orders", "visits", "orders cancelled", "ratings", "complaints", "slots", "bookings", "events",
		"events delivered"} {
		fmt.Fprintf(out, " %d %s,", w.counts[k], k)
	}
	fmt.Fprintf(out, " inboxes from %s\n\n", w.inboxFrom.Format("2006-01-02"))
	fmt.Fprintf(out, "Log in (POST /v1/auth/login {\"phone\",\"password\"}) with password %q as:\n", demoPassword)
	for _, a := range w.accounts {
		fmt.Fprintf(out, "  %-16s %s  %s\n", a.Role, a.Phone, a.Who)
	}
	fmt.Fprintln(out, "Anyone else logs in by SMS code: POST /v1/auth/otp, and the server's log shows the code.")
	fmt.Fprintln(out, "Start the server on this data with: go run ./cmd/kincare")
}
