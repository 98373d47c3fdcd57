package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/kincare/kincare/adapters/clock"
	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/embedded"
	httpapi "github.com/kincare/kincare/adapters/http"
	"github.com/kincare/kincare/adapters/jobs"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/providercache"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/adapters/sms"
	"github.com/kincare/kincare/adapters/token"
	"github.com/kincare/kincare/adapters/usercache"
	"github.com/kincare/kincare/app/allowances"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/auth"
	appcatalog "github.com/kincare/kincare/app/catalog"
	"github.com/kincare/kincare/app/childday"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/classes"
	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/devices"
	"github.com/kincare/kincare/app/elderday"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/homedevices"
	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/app/incidents"
	"github.com/kincare/kincare/app/indicators"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/meals"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/oversight"
	"github.com/kincare/kincare/app/privacy"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/app/search"
	"github.com/kincare/kincare/app/serving"
	"github.com/kincare/kincare/app/statements"
	"github.com/kincare/kincare/app/visits"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/openapi"
)

// server is everything start opened, in the order shutdown closes it.
type server struct {
	log      *slog.Logger
	app      *fiber.App
	served   chan error
	stopJobs context.CancelFunc
	jobsDone chan struct{}
	closers  []func(context.Context) error
}

// start wires kincare by hand: stores, then use cases, then HTTP. On
// failure it closes whatever it had opened.
func start(ctx context.Context, cfg config.Config, log *slog.Logger, serveHTTP bool) (s *server, err error) {
	s = &server{log: log, served: make(chan error, 1)}
	defer func() {
		if err != nil {
			_ = s.close(context.Background())
		}
	}()

	mongoURI, redisOpts := cfg.MongoURI, redisOptions(cfg)
	storeOpts := mongo.Options{Database: cfg.MongoDatabase, MaxPool: cfg.MongoMaxPool, Log: log}
	if cfg.EmbeddedMongo() {
		m, err := embedded.StartMongo(cfg.DataDir+"/mongo", log)
		if err != nil {
			return s, err
		}
		s.closers = append(s.closers, m.Close)
		mongoURI = m.URI()
		storeOpts.SerializeWrites, storeOpts.SQLiteDir = true, m.Dir()
		storeOpts.VerifyEmbeddedQueries = verifyEmbeddedQueries
		log.Info("embedded FerretDB started", "dir", cfg.DataDir+"/mongo")
	}
	if cfg.EmbeddedRedis() {
		r, err := embedded.StartRedis()
		if err != nil {
			return s, err
		}
		s.closers = append(s.closers, func(context.Context) error { r.Close(); return nil })
		redisOpts = redis.Options{URL: r.URL()}
		log.Info("embedded miniredis started")
	}

	store, err := mongo.Connect(ctx, mongoURI, storeOpts)
	if err != nil {
		return s, err
	}
	s.closers = append(s.closers, store.Close)
	if err := store.EnsureIndexes(ctx); err != nil {
		return s, err
	}
	// On the embedded store, its write-ahead log is copied into the
	// database file beside the writer, not by a commit (a no-op against
	// MongoDB).
	s.background(func(ctx context.Context) { store.Checkpoints(ctx, 250*time.Millisecond) })
	// Providers saved before they carried their regions join the
	// regulators' lists (a no-op once done).
	if n, err := store.Providers().BackfillRegions(ctx); err != nil {
		return s, err
	} else if n > 0 {
		log.Info("providers given their regions", "count", n)
	}
	rdb, err := redis.Connect(ctx, redisOpts)
	if err != nil {
		return s, err
	}
	s.closers = append(s.closers, func(context.Context) error { return rdb.Close() })

	key, err := signingKey(cfg)
	if err != nil {
		return s, err
	}
	tokens, err := token.NewIssuer(key, cfg.JWTIssuer, cfg.AccessTTL)
	if err != nil {
		return s, err
	}

	ipLimiter := redis.NewBatchedLimiter(rdb, 100*time.Millisecond, log)
	var users usercacheStore = store.Users()
	if ttl := cfg.UserCacheTTL; ttl > 0 {
		if cfg.EmbeddedMongo() {
			// This process is the embedded database's only writer and
			// every account write goes through the cache, so entries are
			// exact and may live long; FerretDB's reads are what is dear.
			ttl = max(ttl, embeddedUserCacheTTL)
		}
		users = usercache.New(store.Users(), 10_000, ttl)
	}
	authCfg := auth.DefaultConfig()
	authCfg.RefreshTTL = cfg.RefreshTTL
	authCfg.AdminPhones = cfg.AdminPhones
	clk, err := kincareClock(cfg)
	if err != nil {
		return s, err
	}
	// Login codes and meal-card PINs are limited on the app's clock, so a
	// test moves time past a limit instead of waiting it out.
	limiter := redis.NewLimiter(rdb, clk.Now)
	queue := jobs.NewClient(rdb, cfg.JobsQueue, cfg.PushMaxRetries).WithClock(clk.Now)
	authSvc := auth.NewService(auth.Deps{
		Users: users, Sessions: store.Sessions(), OTPs: redis.NewOTPs(rdb),
		SMS: smsSender(cfg, log), Tokens: tokens, Limiter: limiter, Now: time.Now, NewID: newID,
		Failures: redis.NewPasswordFailures(rdb), Announcer: notify.NewAnnouncer(store.Journal(), queue), Log: log,
	}, authCfg)
	deviceSvc := devices.NewService(store.Devices(), time.Now, newID)
	trail := audittrail.NewRecorder(store.Audit(), time.Now, newID, log)
	familySvc := families.NewService(families.Deps{
		Families: store.Families(), Invites: store.Invites(), Users: users, Elders: store.Elders(),
		Children: store.ChildData(), Audit: trail, AuditDel: store.Audit(), Now: time.Now, NewID: newID,
		InviteKey: family.InviteKey(deriveKey(key, "kincare invite v1")),
	})
	var providerStore providers.Store = store.Providers()
	if cfg.EmbeddedMongo() {
		// One process owns the embedded database, so a write-through cache
		// is exact there; see adapters/providercache.
		providerStore = providercache.New(providerStore)
	}
	// What regulators do, for the accounts above them (app/oversight).
	officials := audittrail.NewOfficials(store.Oversight(), time.Now, newID, log)
	elderSvc := elders.NewService(elders.Deps{
		Elders: store.Elders(), Families: store.Families(), Providers: providerStore,
		Orders: orders.History{Orders: store.Orders()}, Audit: trail, Officials: officials, Now: time.Now, NewID: newID})
	childSvc := children.NewService(children.Deps{
		Children: store.ChildData(), Families: store.Families(), Audit: trail, Now: time.Now, NewID: newID})
	privacySvc := privacy.NewService(privacy.Deps{
		Users: users, Devices: store.Devices(), Sessions: store.Sessions(), Families: familySvc, Inbox: store.Inbox(), Preferences: store.NotificationPreferences(),
		FamilyStore: store.Families(), Elders: store.Elders(), Children: store.Children(), Reports: store.Reports(), Audit: store.Audit(),
		Trail: trail, Standings: store.ClassStandings(), Now: time.Now,
		Bookings: store.Bookings(), MealOrders: store.MealOrders(), MealSubscriptions: store.MealSubscriptions(),
		RecurringOrders: store.RecurringOrders(),
	})

	ledgerSvc := appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(), Journal: store.LedgerJournal(),
		Now: time.Now, Log: log})
	allowanceSvc := allowances.NewService(allowances.Deps{Ledger: ledgerSvc, Elders: store.Elders(),
		Families: store.Families(), Orders: store.Orders(), Officials: officials, Now: time.Now, NewID: newID})
	quoteSvc := quotes.NewService(store.Elders(), store.Families(), providerStore, allowanceSvc, time.Now)
	orderSvc := orders.NewService(orders.Deps{Orders: store.Orders(), Pricer: quoteSvc, Allowances: allowanceSvc,
		Log: log, Families: store.Families(), Providers: providerStore, Now: time.Now, NewID: newID,
		Elders: store.Elders(), Users: users, VisitCodes: order.VisitCodeKey(deriveKey(key, "kincare visit code v1")),
		OfferTTL: cfg.OrderOfferTTL, OffersPerRound: cfg.OrderOffersPerRound})
	// Recurring orders go through orderSvc's create path; the generator
	// makes them on the orders' clock.
	occurrences := store.Occurrences()
	recurringSvc := recurrence.NewService(recurrence.Deps{Rules: store.RecurringOrders(), Records: occurrences,
		Orders: orderSvc, OrderStore: store.Orders(), Elders: store.Elders(), Families: store.Families(),
		Pricer: quoteSvc, Now: time.Now, NewID: newID, Log: log})
	statementSvc := statements.NewService(statements.Deps{Orders: store.Orders(), Providers: providerStore,
		Commits: ledgerSvc})
	// The regulators' indicators: a read model the relay keeps current
	// (startNotifications) and a rebuild from the source collections; the
	// providers' register reads complaint rates from it.
	indicatorFacts := store.IndicatorFacts()
	projector := indicators.NewProjector(store.IndicatorSources(), indicatorFacts)
	indicatorSvc := indicators.NewService(indicators.Deps{Facts: indicatorFacts, Projector: projector,
		Residents: store.Residents(), Officials: officials, Now: clk.Now})

	geoIndex := redis.NewGeoIndex(rdb, "{geo:providers}")
	providerSvc := providers.NewService(providers.Deps{
		Providers: providerStore, Index: geoIndex, Users: users, Handover: orderSvc, Now: time.Now, NewID: newID, Log: log,
		Officials: officials, Rates: indicatorSvc,
	})
	catalogSvc := appcatalog.NewService(providerStore, time.Now, newID)
	searchSvc := search.NewService(geoIndex, providerStore, providerSvc)
	if err := providerSvc.EnsureIndex(ctx); err != nil {
		return s, fmt.Errorf("location index: %w", err)
	}

	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		redis.PoolCollector(rdb))

	complaintSvc := complaints.NewService(complaints.Deps{Complaints: store.Complaints(), Orders: store.Orders(),
		Bookings: store.Bookings(), Families: store.Families(), Providers: providerStore, Credit: providerSvc,
		Now: time.Now, NewID: newID, RespondWithin: cfg.ComplaintResponseTime, Log: log, Officials: officials})

	engine := redis.NewReservations(rdb, cfg.JobsQueue)
	registry.MustRegister(engine.Collector())
	classResources := classes.Resources{Slots: store.Slots(), Sessions: store.ClassSessions(), Courses: store.Courses(),
		Providers: providerStore}
	reservationSvc := reservations.NewService(reservations.Deps{Engine: engine,
		Slots: store.Slots(), Bookings: store.Bookings(), Offerings: store.Offerings(), Families: store.Families(),
		Children: store.Children(), Providers: providerStore, Reminders: queue, Now: clk.Now, NewID: newID, Log: log,
		KindLimit: cfg.HoldsPerUserPerKind, Kinds: map[string]reservations.Resources{reservation.ClassSession: classResources,
			reservation.MealWindow: meals.Resources{Slots: store.Slots(), Providers: providerStore}}})
	classSvc := classes.NewService(classes.Deps{Courses: store.Courses(), Sessions: store.ClassSessions(),
		Slots: store.Slots(), Bookings: store.Bookings(), Providers: providerStore, Reservations: reservationSvc,
		Ledger: ledgerSvc, Experts: store.ClassExperts(), Standings: store.ClassStandings(), NoShowRule: course.NoShowRule{Limit: cfg.ClassNoShowLimit,
			Window: cfg.ClassNoShowWindow, For: cfg.ClassNoShowRestriction},
		Now: clk.Now, NewID: newID, Log: log})
	mealSvc := meals.NewService(meals.Deps{Canteens: store.Canteens(), Menus: store.MealMenus(), Orders: store.MealOrders(),
		Rules: store.MealSubsidyRules(), Ledger: ledgerSvc, Elders: store.Elders(), Families: store.Families(),
		Providers: providerStore, Slots: store.Slots(), Reservations: reservationSvc, Finder: searchSvc,
		Subscriptions: store.MealSubscriptions(), CodeKey: deriveKey(key, "kincare meal code v1"), Officials: officials,
		Cards: store.MealCards(), Limiter: limiter, Audit: trail,
		Now: clk.Now, NewID: newID, Log: log})
	// One generator makes the days of recurring orders and of meal
	// subscriptions, once each.
	generator := recurrence.NewGenerator(occurrences, recurrence.Config{Horizon: cfg.RecurrenceHorizon}, time.Now,
		newID, log, recurringSvc.Target(), mealSvc.Target())
	recurringSvc.Use(generator)
	mealSvc.Use(generator)
	// Removing an elder stops what acts in their name first.
	// The elder's own account is unlinked with them (app/families).
	elderSvc.OnRemoval(mealSvc, recurringSvc, orderSvc, familySvc)
	// A dissolving family stops its elders by the same path.
	familySvc.OnDissolution(elderSvc)

	childDaySvc := childday.NewService(childday.Deps{
		Setups: store.Setups(), Days: store.Days(), Rosters: store.Rosters(), Reports: store.Reports(),
		Rates: store.Rates(), Children: store.Children(), Families: store.Families(), Providers: providerStore,
		Bookings: store.Bookings(), Door: reservationSvc, Pickups: childSvc, Audit: trail, Officials: officials,
		Now: dayClock(cfg, log), NewID: newID, Log: log})
	ladderClock := dayClock(cfg, log)
	// Who serves an elder who is not their family's: stations covering
	// the address, providers with an open order, caregivers under way.
	servingCheck := serving.Checker{Stations: visits.ServingStations{Search: searchSvc}, Orders: store.Orders(),
		Providers: providerStore}
	incidentSvc := incidents.NewService(incidents.Deps{Incidents: store.Incidents(),
		Timers: redis.NewIncidentTimers(rdb, cfg.JobsQueue), Ladders: store.Ladders(), Elders: store.Elders(),
		Families: store.Families(), Users: users, Operators: store.Users(),
		Stations: incidents.NearestStation{Search: searchSvc}, Serving: servingCheck,
		SMS: alertSender(cfg, log), Now: ladderClock, NewID: newID, Log: log})

	deviceEvents := newDeviceEventCounter(registry)
	homeDeviceSvc := homedevices.NewService(homedevices.Deps{Devices: store.HomeDevices(), Events: store.DeviceEvents(),
		Elders: store.Elders(), Families: store.Families(), Alarms: incidentSvc, Serving: servingCheck,
		Counter: deviceEvents,
		Seen:    redis.NewSeenEvents(rdb, cfg.JobsQueue),
		Vendors: cfg.DeviceVendorKeys, Now: ladderClock, Log: log,
		Watched: store.HomeDevices(), Stations: incidents.NearestStation{Search: searchSvc}, Providers: store.Providers(),
		DoorQuiet: cfg.DoorInactiveAfter, Silence: cfg.DeviceOfflineAfter, NewID: newID})
	// A removed elder's ladder and devices go with the elder; an elder
	// with an alarm not yet resolved is not removed.
	elderSvc.OnRemoval(incidentSvc, homeDeviceSvc)
	elderSvc.GuardRemoval(incidentSvc)

	visitSvc := visits.NewService(visits.Deps{Cares: store.Cares(), Visits: store.Visits(),
		Volunteers: store.Volunteers(), Elders: store.Elders(), Families: store.Families(), Providers: providerStore,
		Users: users, Stations: visits.ServingStations{Search: searchSvc}, Alarms: incidentSvc, Ledger: ledgerSvc,
		Audit: trail, Now: ladderClock, NewID: newID, Log: log})

	pusher, err := newPusher(ctx, cfg, log)
	if err != nil {
		return s, err
	}
	notifySvc, err := notify.NewService(notify.Deps{
		Inbox: store.Inbox(), Preferences: store.NotificationPreferences(), Devices: store.Devices(), Users: users,
		Journal: store.Journal(), Queue: queue, Pusher: pusher, Kinds: notify.Catalog(),
		Audiences: merge(familySvc.Audiences(), deviceSvc.Audiences(), childSvc.Audiences(), providerSvc.Audiences(),
			orderSvc.Audiences(), reservationSvc.Audiences(), authSvc.Audiences(), complaintSvc.Audiences(),
			allowanceSvc.Audiences(), childDaySvc.Audiences(), incidentSvc.Audiences(), classSvc.Audiences(),
			mealSvc.Audiences(), recurringSvc.Audiences(), homeDeviceSvc.Audiences(), visitSvc.Audiences()),
		Now: clk.Now, NewID: newID, Log: log,
	})
	if err != nil {
		return s, err
	}

	httpOptions := httpapi.Options{
		BodyLimit: cfg.BodyLimit, ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout, IdleTimeout: cfg.IdleTimeout,
		CORSAllowOrigins: cfg.CORSAllowOrigins, TrustedProxies: cfg.TrustedProxies,
		RateLimitIPPerMinute: cfg.RateLimitIPPerMinute, RateLimitUserWrites: cfg.RateLimitUserWritesPerMinute,
		MetricsToken: cfg.MetricsToken,
	}
	s.app, err = httpapi.New(httpOptions, httpapi.Deps{
		Log: log, Spec: openapi.YAML, Auth: authSvc, Devices: deviceSvc, Tokens: tokens, FloodLimiter: ipLimiter,
		Families: familySvc, Elders: elderSvc, Children: childSvc, Privacy: privacySvc,
		Providers: providerSvc, Catalog: catalogSvc, Search: searchSvc, Notifications: notifySvc,
		Quotes:       quoteSvc,
		Idempotency:  idempotency.NewGuard(redis.NewIdempotencyKeys(rdb), log, idempotency.Options{}),
		Orders:       orderSvc,
		Allowances:   allowanceSvc,
		Statements:   statementSvc,
		Reservations: reservationSvc,
		Classes:      classSvc,
		Meals:        mealSvc,
		Complaints:   complaintSvc,
		Oversight:    oversight.NewService(store.Oversight()),
		Indicators:   indicatorSvc,
		ChildDay:     childDaySvc,
		Incidents:    incidentSvc,
		Recurrence:   recurringSvc,
		HomeDevices:  homeDeviceSvc,
		Visits:       visitSvc,
		ElderDay: elderday.NewService(elderday.Deps{Elders: store.Elders(), Families: store.Families(),
			Orders: store.Orders(), MealOrders: store.MealOrders(), Providers: providerStore, Confirmer: orderSvc,
			Now: clk.Now}),
		Registry: registry,
		Ops:      opsOptions(cfg, rdb, key),
		Ready: map[string]httpapi.Pinger{
			"mongo": store,
			"redis": redis.NewHealth(rdb, redisMode(cfg)),
		},
	})
	if err != nil {
		return s, err
	}

	s.startJobs(store.Sessions(), ipLimiter, privacySvc)
	if cfg.JobsInProcess {
		passes := newPassCounter(registry)
		if err := s.startNotifications(cfg, rdb, store, queue, notifySvc, registry, passes, projector); err != nil {
			return s, err
		}
		s.startIndicators(projector)
		s.startOrderTimers(orderSvc)
		s.startLedgerReconciler(ledgerSvc, allowanceSvc, classSvc, mealSvc)
		s.startReservationJobs(cfg, reservationSvc, passes)
		s.startDueMover(clk, queue, cfg.JobsPollInterval, passes)
		s.startFeedbackJobs(cfg.ComplaintSweepInterval, orderSvc, complaintSvc)
		s.startRecurrence(cfg.RecurrenceInterval, generator, passes)
		s.startIncidentJobs(cfg.IncidentPollInterval, cfg.IncidentResyncInterval, cfg.DeviceWatchInterval,
			incidentSvc, homeDeviceSvc, passes)
		s.startVisitWatch(cfg.VisitWatchInterval, visitSvc, passes)
		s.startRemovalRepair(cfg.IncidentResyncInterval, familySvc, privacySvc, passes)
	}

	if !serveHTTP {
		s.app = nil
		log.Info("worker started", "queue", cfg.JobsQueue, "embedded_mongo", cfg.EmbeddedMongo(),
			"embedded_redis", cfg.EmbeddedRedis(), "redis_mode", redisMode(cfg))
		return s, nil
	}
	if cfg.PprofAddr != "" {
		if err := s.startProfiler(cfg.PprofAddr, log); err != nil {
			return s, err
		}
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return s, fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	go func() { s.served <- s.app.Listener(httpapi.Listener(ln, httpOptions)) }()
	log.Info("http listening", "addr", ln.Addr().String(), "env", string(cfg.Env),
		"embedded_mongo", cfg.EmbeddedMongo(), "embedded_redis", cfg.EmbeddedRedis(), "redis_mode", redisMode(cfg))
	return s, nil
}

// shutdown stops accepting, lets in-flight requests finish until the
// deadline, then stops jobs and closes the stores.
func (s *server) shutdown(deadline time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	var errs []error
	if s.app != nil {
		if err := s.app.ShutdownWithContext(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http: %w", err))
		}
		if err := <-s.served; err != nil {
			errs = append(errs, fmt.Errorf("http: %w", err))
		}
	}
	// The stores get a budget of their own: a drain that used the whole
	// deadline must not cut short the embedded database closing its files.
	closeCtx, cancelClose := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelClose()
	return errors.Join(append(errs, s.close(closeCtx))...)
}

func (s *server) close(ctx context.Context) error {
	if s.stopJobs != nil {
		s.stopJobs()
		<-s.jobsDone
	}
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i](ctx))
	}
	return errors.Join(errs...)
}

// startJobs runs the background work of a replica: sharing per-IP rate
// counts, and hourly housekeeping: purging expired sessions (FerretDB has
// no TTL indexes) and finishing account deletions and family
// dissolutions that failed part-way.
func (s *server) startJobs(sessions *mongo.Sessions, ipLimiter *redis.BatchedLimiter, priv *privacy.Service) {
	ctx, cancel := context.WithCancel(mongo.Background(context.Background()))
	s.stopJobs, s.jobsDone = cancel, make(chan struct{})
	limiterDone := make(chan struct{})
	go func() {
		defer close(limiterDone)
		ipLimiter.Run(ctx)
	}()
	go func() {
		defer close(s.jobsDone)
		defer func() { <-limiterDone }()
		pass := func(ctx context.Context) {
			n, err := sessions.PurgeExpired(ctx, time.Now())
			if err != nil && ctx.Err() == nil {
				s.log.Warn("purge expired sessions", "err", err)
			} else if n > 0 {
				s.log.Info("purged expired sessions", "count", n)
			}
			n2, err := priv.FinishDeletions(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("finish account deletions", "err", err)
			} else if n2 > 0 {
				s.log.Info("finished interrupted account deletions", "count", n2)
			}
		}
		pass(ctx)
		every(ctx, time.Hour, pass)
	}()
}

func smsSender(cfg config.Config, log *slog.Logger) auth.SMS {
	if cfg.SMSProvider == "webhook" {
		return sms.NewWebhookSender(cfg.SMSWebhookURL, cfg.SMSWebhookToken)
	}
	return sms.NewLogSender(log)
}

// deriveKey gives each use of the one configured secret its own key, so
// no key serves two purposes.
func deriveKey(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// embeddedUserCacheTTL is how long accounts stay cached over the embedded
// store.
const embeddedUserCacheTTL = time.Hour

// usercacheStore is the user store every use case shares, cached or not.
type usercacheStore = usercache.Store

// dayClock is the childcare day's time: the system clock, or in
// development the file KINCARE_TEST_CLOCK_FILE names (adapters/clock).
func dayClock(cfg config.Config, log *slog.Logger) func() time.Time {
	if cfg.TestClockFile == "" {
		return time.Now
	}
	log.Warn("the childcare day and the escalation ladders read their time from a test clock file", "path", cfg.TestClockFile)
	return clock.NewFile(cfg.TestClockFile, log).Now
}

// newID makes time-ordered ids (UUIDv7), so ids sort by creation and
// cursor pagination can use them directly.
func newID() string { return uuid.Must(uuid.NewV7()).String() }
