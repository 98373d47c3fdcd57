// Package config reads kincare's settings from environment variables and
// refuses bad values before anything starts. README's configuration table
// lists the same variables; keep them in step.
package config

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/identity"
)

// Env is how kincare is deployed; production refuses development shortcuts.
type Env string

const (
	EnvDevelopment Env = "development"
	EnvProduction  Env = "production"
)

// Config is every setting, already validated.
type Config struct {
	Env      Env
	HTTPAddr string
	DataDir  string
	LogLevel string
	// LogFlushInterval is the longest a log line waits in memory to be
	// written with others (adapters/logbuf); 0 writes each at once.
	LogFlushInterval time.Duration

	MongoURI      string // empty: embedded FerretDB under DataDir
	MongoDatabase string
	MongoMaxPool  uint64
	RedisURL      string // empty: embedded miniredis, unless a cluster or Sentinel is set
	// Redis beyond one node, instead of RedisURL: a Redis Cluster's seed
	// nodes, or Sentinels and the name of the master they watch. The
	// credentials and TLS settings apply to whichever deployment is set.
	RedisClusterAddrs     []string
	RedisSentinelAddrs    []string
	RedisSentinelMaster   string
	RedisSentinelPassword string
	RedisUsername         string
	RedisPassword         string
	RedisTLS              bool   // cluster and Sentinel; a URL says rediss://
	RedisTLSCAFile        string // PEM roots for Redis' certificates; empty: the system's

	JWTSigningKey []byte // nil: generated once and kept under DataDir
	JWTIssuer     string
	AccessTTL     time.Duration
	RefreshTTL    time.Duration
	AdminPhones   []identity.Phone

	SMSProvider     string // log | webhook
	SMSWebhookURL   string
	SMSWebhookToken string

	BodyLimit        int
	CORSAllowOrigins string
	TrustedProxies   []string
	ReadTimeout      time.Duration
	WriteTimeout     time.Duration
	IdleTimeout      time.Duration
	ShutdownTimeout  time.Duration

	RateLimitIPPerMinute         int
	RateLimitUserWritesPerMinute int

	UserCacheTTL time.Duration // 0 disables the in-memory user cache
	MetricsToken string        // when set, /metrics wants it as a bearer token
	// PprofAddr, when set, is a loopback host:port serving Go's profiler
	// (net/http/pprof) apart from the API, for measuring a replica under
	// load; empty serves none.
	PprofAddr string

	// Push: with none of these, pushes are logged instead of sent.
	FCMProjectID       string
	FCMCredentialsFile string
	FCMEndpoint        string // a fake or emulator FCM, for tests

	JobsInProcess      bool // run the relay and the job worker in this process
	JobsQueue          string
	JobsConcurrency    int
	JobsPollInterval   time.Duration
	OutboxPollInterval time.Duration
	PushMaxRetries     int
	PushRetryBase      time.Duration

	OrderOfferTTL       time.Duration // how long a caregiver has to answer an offer
	OrderOffersPerRound int           // caregivers asked at once
	// Reservations: how often waitlists are served and MongoDB and Redis
	// reconciled, and how many holds one user may keep on slots of a kind.
	ReservationSweepInterval     time.Duration
	ReservationReconcileInterval time.Duration
	HoldsPerUserPerKind          int
	// The classes' no-show rule: ClassNoShowLimit no-shows within
	// ClassNoShowWindow restrict a person for ClassNoShowRestriction.
	ClassNoShowLimit       int
	ClassNoShowWindow      time.Duration
	ClassNoShowRestriction time.Duration
	// Complaints: how long a provider has to answer one before it goes
	// to the regulator, and how often that deadline is checked.
	ComplaintResponseTime  time.Duration
	ComplaintSweepInterval time.Duration

	// TestClockFile, in development only, is a file the childcare day
	// and the escalation ladders of alarms read their time from (RFC
	// 3339), so an end-to-end test lives a day in seconds; see
	// adapters/clock.
	TestClockFile string

	// IncidentPollInterval is how often due rungs of escalation ladders
	// are looked for; IncidentResyncInterval how often the timers in
	// Redis are checked against MongoDB's open incidents.
	IncidentPollInterval   time.Duration
	IncidentResyncInterval time.Duration

	// RecurrenceHorizon is how far ahead recurring orders are generated;
	// RecurrenceInterval how often the generator runs.
	RecurrenceHorizon  time.Duration
	RecurrenceInterval time.Duration

	// DoorInactiveAfter is how long a door sensor of an elder living
	// alone may see no opening before an incident is raised;
	// DeviceOfflineAfter how long a device may report nothing before it is
	// reported offline; DeviceWatchInterval how often both are checked.
	DoorInactiveAfter   time.Duration
	DeviceOfflineAfter  time.Duration
	DeviceWatchInterval time.Duration
	// VisitWatchInterval is how often elders unvisited for two months are
	// alerted to their station and uncredited volunteer visits credited.
	VisitWatchInterval time.Duration

	// DeviceVendorKeys are the HMAC-SHA256 keys of the home-device
	// vendors' integrations, by vendor name (DEVICE_VENDOR_KEYS).
	DeviceVendorKeys map[string][]byte
	// TestClockOffsetFile, in development only, moves the clock of
	// reservations, classes and notifications ahead by the duration the
	// file holds; see clock.Offset.
	TestClockOffsetFile string
}

// PushEnabled reports whether pushes go to FCM rather than the log.
func (c Config) PushEnabled() bool { return c.FCMProjectID != "" }

// Embedded reports whether MongoDB or Redis are started in-process.
func (c Config) EmbeddedMongo() bool { return c.MongoURI == "" }
func (c Config) EmbeddedRedis() bool {
	return c.RedisURL == "" && len(c.RedisClusterAddrs) == 0 && len(c.RedisSentinelAddrs) == 0
}

// Load reads the environment through lookup (os.LookupEnv in main). The
// error, if any, has one line per bad variable.
func Load(lookup func(string) (string, bool)) (Config, error) {
	r := reader{lookup: lookup}
	c := Config{
		Env:              Env(r.oneOf("KINCARE_ENV", "development", "development", "production")),
		HTTPAddr:         r.addr("HTTP_ADDR", ":8080"),
		DataDir:          r.str("DATA_DIR", "./data"),
		LogLevel:         r.oneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		LogFlushInterval: r.duration("LOG_FLUSH_INTERVAL", 100*time.Millisecond, 0, 10*time.Second),
		MongoURI:         r.url("MONGODB_URI", "mongodb", "mongodb+srv"),
		MongoDatabase:    r.str("MONGODB_DATABASE", "kincare"),
		RedisURL:         r.url("REDIS_URL", "redis", "rediss"),

		RedisClusterAddrs:     r.hostPorts("REDIS_CLUSTER_ADDRS"),
		RedisSentinelAddrs:    r.hostPorts("REDIS_SENTINEL_ADDRS"),
		RedisSentinelMaster:   r.str("REDIS_SENTINEL_MASTER", ""),
		RedisSentinelPassword: r.str("REDIS_SENTINEL_PASSWORD", ""),
		RedisUsername:         r.str("REDIS_USERNAME", ""),
		RedisPassword:         r.str("REDIS_PASSWORD", ""),
		RedisTLS:              r.oneOf("REDIS_TLS", "false", "true", "false") == "true",
		RedisTLSCAFile:        r.str("REDIS_TLS_CA_FILE", ""),

		JWTSigningKey: r.key("JWT_SIGNING_KEY"),
		JWTIssuer:     r.str("JWT_ISSUER", "kincare"),
		AccessTTL:     r.duration("ACCESS_TOKEN_TTL", 15*time.Minute, time.Minute, 24*time.Hour),
		RefreshTTL:    r.duration("REFRESH_TOKEN_TTL", identity.RefreshTokenTTL, time.Hour, 365*24*time.Hour),
		AdminPhones:   r.phones("ADMIN_PHONES"),

		SMSProvider:     r.oneOf("SMS_PROVIDER", "log", "log", "webhook"),
		SMSWebhookURL:   r.url("SMS_WEBHOOK_URL", "http", "https"),
		SMSWebhookToken: r.str("SMS_WEBHOOK_TOKEN", ""),

		BodyLimit:        r.integer("HTTP_BODY_LIMIT_BYTES", 1<<20, 1024, 64<<20),
		CORSAllowOrigins: r.str("CORS_ALLOW_ORIGINS", ""),
		TrustedProxies:   r.proxies("TRUSTED_PROXIES"),
		ReadTimeout:      r.duration("HTTP_READ_TIMEOUT", 10*time.Second, time.Second, 5*time.Minute),
		WriteTimeout:     r.duration("HTTP_WRITE_TIMEOUT", 15*time.Second, time.Second, 5*time.Minute),
		IdleTimeout:      r.duration("HTTP_IDLE_TIMEOUT", 60*time.Second, time.Second, 30*time.Minute),
		ShutdownTimeout:  r.duration("SHUTDOWN_TIMEOUT", 15*time.Second, time.Second, 5*time.Minute),

		RateLimitIPPerMinute:         r.integer("RATE_LIMIT_IP_PER_MINUTE", 600, 0, 1<<30),
		RateLimitUserWritesPerMinute: r.integer("RATE_LIMIT_USER_WRITES_PER_MINUTE", 120, 0, 1<<30),

		UserCacheTTL: r.duration("USER_CACHE_TTL", 5*time.Second, 0, time.Minute),
		MetricsToken: r.str("METRICS_TOKEN", ""),
		PprofAddr:    r.loopbackAddr("PPROF_ADDR"),

		FCMProjectID:       r.str("FCM_PROJECT_ID", ""),
		FCMCredentialsFile: r.str("FCM_CREDENTIALS_FILE", ""),
		FCMEndpoint:        r.url("FCM_ENDPOINT", "http", "https"),

		JobsInProcess:      r.oneOf("JOBS_IN_PROCESS", "true", "true", "false") == "true",
		JobsQueue:          r.str("JOBS_QUEUE", "notifications"),
		JobsConcurrency:    r.integer("JOBS_CONCURRENCY", 8, 1, 1000),
		JobsPollInterval:   r.duration("JOBS_POLL_INTERVAL", 200*time.Millisecond, 10*time.Millisecond, time.Minute),
		OutboxPollInterval: r.duration("OUTBOX_POLL_INTERVAL", time.Second, 10*time.Millisecond, time.Minute),
		PushMaxRetries:     r.integer("PUSH_MAX_RETRIES", 8, 0, 100),
		PushRetryBase:      r.duration("PUSH_RETRY_BASE", 2*time.Second, 10*time.Millisecond, time.Hour),

		OrderOfferTTL:            r.duration("ORDER_OFFER_TTL", 5*time.Minute, 30*time.Second, 2*time.Hour),
		OrderOffersPerRound:      r.integer("ORDER_OFFERS_PER_ROUND", 3, 1, 50),
		ReservationSweepInterval: r.duration("RESERVATION_SWEEP_INTERVAL", 15*time.Second, time.Second, 10*time.Minute),
		ReservationReconcileInterval: r.duration("RESERVATION_RECONCILE_INTERVAL", 5*time.Minute, 5*time.Second,
			24*time.Hour),
		HoldsPerUserPerKind: r.integer("HOLDS_PER_USER_PER_KIND", 5, 1, 100),
		ClassNoShowLimit:    r.integer("CLASS_NO_SHOW_LIMIT", 3, 1, 100),
		ClassNoShowWindow:   r.duration("CLASS_NO_SHOW_WINDOW", 90*24*time.Hour, time.Hour, 3*365*24*time.Hour),
		ClassNoShowRestriction: r.duration("CLASS_NO_SHOW_RESTRICTION", 30*24*time.Hour, time.Hour,
			365*24*time.Hour),
		// Seconds are for tests and drills; production wants an hour at least.
		ComplaintResponseTime:  r.duration("COMPLAINT_RESPONSE_TIME", 48*time.Hour, time.Second, 30*24*time.Hour),
		ComplaintSweepInterval: r.duration("COMPLAINT_SWEEP_INTERVAL", 30*time.Second, time.Second, 10*time.Minute),
		TestClockFile:          r.str("KINCARE_TEST_CLOCK_FILE", ""),
		IncidentPollInterval:   r.duration("INCIDENT_POLL_INTERVAL", time.Second, 10*time.Millisecond, 10*time.Second),
		IncidentResyncInterval: r.duration("INCIDENT_RESYNC_INTERVAL", 30*time.Second, time.Second, 10*time.Minute),
		RecurrenceHorizon:      r.duration("RECURRENCE_HORIZON", 7*24*time.Hour, time.Hour, 62*24*time.Hour),
		RecurrenceInterval:     r.duration("RECURRENCE_INTERVAL", 15*time.Minute, time.Second, 24*time.Hour),
		DeviceVendorKeys:       r.vendorKeys("DEVICE_VENDOR_KEYS"),
		DoorInactiveAfter:      r.duration("DOOR_INACTIVE_AFTER", 24*time.Hour, time.Hour, 7*24*time.Hour),
		DeviceOfflineAfter:     r.duration("DEVICE_OFFLINE_AFTER", 48*time.Hour, time.Hour, 30*24*time.Hour),
		DeviceWatchInterval:    r.duration("DEVICE_WATCH_INTERVAL", time.Minute, 10*time.Millisecond, time.Hour),
		VisitWatchInterval:     r.duration("VISIT_WATCH_INTERVAL", 10*time.Minute, 10*time.Millisecond, 24*time.Hour),
		TestClockOffsetFile:    r.str("KINCARE_TEST_CLOCK_OFFSET_FILE", ""),
	}
	if c.FCMProjectID == "" {
		// The Google default: a service-account file names its project.
		if f, ok := lookup("GOOGLE_APPLICATION_CREDENTIALS"); ok && f != "" && c.FCMCredentialsFile == "" {
			c.FCMCredentialsFile = f
		}
	}
	r.redisDeployment(c)
	if !c.JobsInProcess && (c.EmbeddedMongo() || c.EmbeddedRedis()) {
		r.fail("JOBS_IN_PROCESS", "must be true with embedded stores: no other process can reach them")
	}
	if (c.FCMCredentialsFile != "" || c.FCMEndpoint != "") && c.FCMProjectID == "" {
		r.fail("FCM_PROJECT_ID", "must be set when FCM_CREDENTIALS_FILE or FCM_ENDPOINT is")
	}
	c.MongoMaxPool = uint64(r.integer("MONGODB_MAX_POOL", defaultPool(c), 1, 1000))

	if c.Env == EnvProduction {
		if c.SMSProvider == "log" {
			r.fail("SMS_PROVIDER", "is log, which prints codes instead of sending them; production needs webhook")
		}
		if c.JWTSigningKey == nil {
			r.fail("JWT_SIGNING_KEY", "must be set in production (every replica must share it)")
		}
		if c.EmbeddedMongo() {
			r.fail("MONGODB_URI", "must be set in production; the embedded store is for one machine")
		}
		if c.EmbeddedRedis() {
			r.fail("REDIS_URL", "must be set in production (or REDIS_CLUSTER_ADDRS, or REDIS_SENTINEL_ADDRS); "+
				"the embedded store is for one machine")
		}
		if !c.PushEnabled() {
			r.fail("FCM_PROJECT_ID", "must be set in production; without it pushes are only logged")
		}
		if c.ComplaintResponseTime < time.Hour {
			r.fail("COMPLAINT_RESPONSE_TIME", "is %s; production gives a provider at least 1h to answer a complaint",
				c.ComplaintResponseTime)
		}
		if c.TestClockFile != "" {
			r.fail("KINCARE_TEST_CLOCK_FILE", "is a test hook that moves the childcare day's clock; production keeps the system clock")
		}
		if c.TestClockOffsetFile != "" {
			r.fail("KINCARE_TEST_CLOCK_OFFSET_FILE", "is a test hook that moves the clock of reservations, classes and notifications; production keeps the system clock")
		}
	}
	if c.SMSProvider == "webhook" && c.SMSWebhookURL == "" {
		r.fail("SMS_WEBHOOK_URL", "must be set when SMS_PROVIDER=webhook")
	}
	return c, errors.Join(r.errs...)
}

// redisDeployment checks that the Redis variables describe one
// deployment: a node, a cluster, or a master behind Sentinels.
func (r *reader) redisDeployment(c Config) {
	set := func(name string) bool { _, ok := r.raw(name); return ok }
	chosen := ""
	for _, name := range []string{"REDIS_URL", "REDIS_CLUSTER_ADDRS", "REDIS_SENTINEL_ADDRS"} {
		if !set(name) {
			continue
		}
		if chosen != "" {
			r.fail(name, "is set as well as %s; set one Redis deployment: REDIS_URL (one node), "+
				"REDIS_CLUSTER_ADDRS (Redis Cluster) or REDIS_SENTINEL_ADDRS (Sentinel)", chosen)
			continue
		}
		chosen = name
	}
	sentinel := len(c.RedisSentinelAddrs) > 0
	switch {
	case sentinel && c.RedisSentinelMaster == "":
		r.fail("REDIS_SENTINEL_MASTER", "must be set with REDIS_SENTINEL_ADDRS: the name the Sentinels monitor the master by")
	case !sentinel && c.RedisSentinelMaster != "":
		r.fail("REDIS_SENTINEL_MASTER", "is set without REDIS_SENTINEL_ADDRS")
	}
	if !sentinel && c.RedisSentinelPassword != "" {
		r.fail("REDIS_SENTINEL_PASSWORD", "is set without REDIS_SENTINEL_ADDRS")
	}
	none := chosen == ""
	for _, name := range []string{"REDIS_USERNAME", "REDIS_PASSWORD"} {
		if none && set(name) {
			r.fail(name, "is set without a Redis to use it on (REDIS_URL, REDIS_CLUSTER_ADDRS or REDIS_SENTINEL_ADDRS)")
		}
	}
	secureURL := strings.HasPrefix(c.RedisURL, "rediss://")
	switch {
	case c.RedisTLS && none:
		r.fail("REDIS_TLS", "is true without a Redis to use it on (REDIS_CLUSTER_ADDRS or REDIS_SENTINEL_ADDRS)")
	case c.RedisTLS && c.RedisURL != "" && !secureURL:
		r.fail("REDIS_TLS", "is true but REDIS_URL says redis://; write rediss:// for TLS to one node")
	}
	if c.RedisTLSCAFile == "" {
		return
	}
	if !c.RedisTLS && !secureURL {
		r.fail("REDIS_TLS_CA_FILE", "is set without TLS (REDIS_TLS=true, or a rediss:// REDIS_URL)")
		return
	}
	pem, err := os.ReadFile(c.RedisTLSCAFile)
	if err != nil {
		r.fail("REDIS_TLS_CA_FILE", "cannot be read: %v", err)
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		r.fail("REDIS_TLS_CA_FILE", "holds no PEM certificate")
	}
}

// defaultPool caps the embedded store's pool: FerretDB on SQLite serialises
// writes, and a large pool only lengthens the queue (DESIGN.md measured
// p99 1.4 s with 128 connections against 190 ms with 4).
func defaultPool(c Config) int {
	if c.EmbeddedMongo() {
		return 4
	}
	return 100
}

type reader struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s %s", name, fmt.Sprintf(format, args...)))
}

func (r *reader) raw(name string) (string, bool) {
	v, ok := r.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (r *reader) str(name, def string) string {
	if v, ok := r.raw(name); ok {
		return v
	}
	return def
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, "is %q; want one of %s", v, strings.Join(allowed, ", "))
	return def
}

// vendorKeys reads "vendor=hexkey,vendor2=hexkey2": names as home
// devices name their vendor, keys of at least 32 bytes in hex.
func (r *reader) vendorKeys(name string) map[string][]byte {
	v, ok := r.raw(name)
	out := map[string][]byte{}
	if !ok {
		return out
	}
	for _, pair := range strings.Split(v, ",") {
		vendor, hexKey, found := strings.Cut(strings.TrimSpace(pair), "=")
		key, err := hex.DecodeString(strings.TrimSpace(hexKey))
		if !found || !vendorName.MatchString(vendor) || err != nil || len(key) < 32 {
			r.fail(name, "has %q; want vendor=key pairs, comma-separated, each vendor lower-case letters, digits, _ or -, each key at least 32 bytes in hex", strings.SplitN(pair, "=", 2)[0]+"=…")
			return map[string][]byte{}
		}
		out[vendor] = key
	}
	return out
}

var vendorName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

func (r *reader) integer(name string, def, min, max int) int {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		r.fail(name, "is %q; want a whole number from %d to %d", v, min, max)
		return def
	}
	return n
}

func (r *reader) duration(name string, def, min, max time.Duration) time.Duration {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < min || d > max {
		r.fail(name, "is %q; want a duration such as 15m or 30s, from %s to %s", v, min, max)
		return def
	}
	return d
}

func (r *reader) addr(name, def string) string {
	v := r.str(name, def)
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		r.fail(name, "is %q; want host:port, such as :8080 or 127.0.0.1:0", v)
	}
	return v
}

// loopbackAddr is an optional host:port whose host is a loopback
// address: what listens there answers anyone who can connect.
func (r *reader) loopbackAddr(name string) string {
	v, ok := r.raw(name)
	if !ok || v == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(v)
	ip := net.ParseIP(host)
	if err != nil || port == "" || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		r.fail(name, "is %q; want a loopback host:port, such as 127.0.0.1:6060 (the profiler must not face the network)", v)
		return ""
	}
	return v
}

func (r *reader) url(name string, schemes ...string) string {
	v, ok := r.raw(name)
	if !ok {
		return ""
	}
	u, err := url.Parse(v)
	if err == nil && u.Host != "" {
		for _, s := range schemes {
			if u.Scheme == s {
				return v
			}
		}
	}
	// Never echo the value: URLs carry passwords.
	r.fail(name, "is not a valid URL with scheme %s", strings.Join(schemes, " or "))
	return ""
}

// key accepts 32+ bytes as hex or base64; the value is never echoed.
func (r *reader) key(name string) []byte {
	v, ok := r.raw(name)
	if !ok {
		return nil
	}
	if b, err := hex.DecodeString(v); err == nil && len(b) >= 32 {
		return b
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil && len(b) >= 32 {
			return b
		}
	}
	r.fail(name, "must be at least 32 random bytes, hex or base64 encoded (e.g. openssl rand -hex 32)")
	return nil
}

func (r *reader) phones(name string) []identity.Phone {
	v, ok := r.raw(name)
	if !ok {
		return nil
	}
	var out []identity.Phone
	for _, s := range strings.Split(v, ",") {
		p, err := identity.ParsePhone(s)
		if err != nil {
			r.fail(name, "has an entry that is not a mobile number (want e.g. 13800138000 or +8613800138000)")
			return nil
		}
		out = append(out, p)
	}
	return out
}

// hostPorts reads a comma-separated list of host:port addresses.
func (r *reader) hostPorts(name string) []string {
	v, ok := r.raw(name)
	if !ok {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		host, port, err := net.SplitHostPort(s)
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			r.fail(name, "has %q, which is not host:port (e.g. 10.0.0.5:6379)", s)
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (r *reader) proxies(name string) []string {
	v, ok := r.raw(name)
	if !ok {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if net.ParseIP(s) == nil {
			if _, _, err := net.ParseCIDR(s); err != nil {
				r.fail(name, "has %q, which is neither an IP address nor a CIDR range", s)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
