package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/config"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestDefaultsRunEmbedded(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.EmbeddedMongo() || !c.EmbeddedRedis() || c.HTTPAddr != ":8080" || c.DataDir != "./data" {
		t.Fatalf("defaults = %+v", c)
	}
	if c.AccessTTL != 15*time.Minute || c.MongoMaxPool != 4 || c.SMSProvider != "log" {
		t.Fatalf("defaults = %+v", c)
	}
	if c.ComplaintResponseTime != 48*time.Hour || c.ComplaintSweepInterval != 30*time.Second {
		t.Fatalf("complaint defaults: respond within %s, swept every %s", c.ComplaintResponseTime, c.ComplaintSweepInterval)
	}
}

func TestComplaintDeadlinesOfSecondsAreForTestsNotProduction(t *testing.T) {
	c, err := config.Load(env(map[string]string{"COMPLAINT_RESPONSE_TIME": "3s", "COMPLAINT_SWEEP_INTERVAL": "1s"}))
	if err != nil || c.ComplaintResponseTime != 3*time.Second || c.ComplaintSweepInterval != time.Second {
		t.Fatalf("a drill's deadline refused: %+v, %v", c, err)
	}
	for v, want := range map[string]string{"0s": "COMPLAINT_RESPONSE_TIME ", "1000h": "COMPLAINT_RESPONSE_TIME "} {
		if _, err := config.Load(env(map[string]string{"COMPLAINT_RESPONSE_TIME": v})); err == nil ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("COMPLAINT_RESPONSE_TIME=%s: %v", v, err)
		}
	}
	_, err = config.Load(env(map[string]string{"KINCARE_ENV": "production", "COMPLAINT_RESPONSE_TIME": "30m"}))
	if err == nil || !strings.Contains(err.Error(), "COMPLAINT_RESPONSE_TIME is 30m0s") {
		t.Errorf("production with 30m to answer: %v", err)
	}
}

func TestEachBadValueIsOneLineNamingTheVariable(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"HTTP_ADDR":             "8080",
		"HTTP_BODY_LIMIT_BYTES": "lots",
		"ACCESS_TOKEN_TTL":      "forever",
		"MONGODB_URI":           "postgres://user:secret@db/x",
		"JWT_SIGNING_KEY":       "tooshort",
		"TRUSTED_PROXIES":       "10.0.0.0/8,nonsense",
		"LOG_LEVEL":             "loud",
	}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	for _, name := range []string{"HTTP_ADDR", "HTTP_BODY_LIMIT_BYTES", "ACCESS_TOKEN_TTL", "MONGODB_URI", "JWT_SIGNING_KEY", "TRUSTED_PROXIES", "LOG_LEVEL"} {
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, name+" ") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d lines name %s; want 1 in:\n%s", n, name, err)
		}
	}
	if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "tooshort") {
		t.Errorf("error echoes a secret:\n%s", err)
	}
}

func TestProductionRefusesDevelopmentShortcuts(t *testing.T) {
	_, err := config.Load(env(map[string]string{"KINCARE_ENV": "production"}))
	if err == nil {
		t.Fatal("production with embedded stores and log SMS accepted")
	}
	for _, name := range []string{"SMS_PROVIDER", "JWT_SIGNING_KEY", "MONGODB_URI", "REDIS_URL", "FCM_PROJECT_ID"} {
		if !strings.Contains(err.Error(), name+" ") {
			t.Errorf("production error does not name %s:\n%s", name, err)
		}
	}
	c, err := config.Load(env(map[string]string{
		"KINCARE_ENV": "production", "SMS_PROVIDER": "webhook", "SMS_WEBHOOK_URL": "https://sms.example/send",
		"FCM_PROJECT_ID":  "kincare-prod",
		"JWT_SIGNING_KEY": strings.Repeat("ab", 32), "MONGODB_URI": "mongodb://db:27017/?replicaSet=rs0",
		"REDIS_URL": "redis://cache:6379/0", "ADMIN_PHONES": "13800138000, +8613900139000",
	}))
	if err != nil {
		t.Fatalf("complete production config refused: %v", err)
	}
	if len(c.JWTSigningKey) != 32 || c.MongoMaxPool != 100 || len(c.AdminPhones) != 2 {
		t.Fatalf("production config = %+v", c)
	}
}

// One node, a cluster and Sentinel are each one set of variables; each
// mistake in them is one line naming the variable.
func TestRedisIsOneNodeAClusterOrSentinel(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"REDIS_CLUSTER_ADDRS": "10.0.0.1:6379, 10.0.0.2:6379,redis-3.internal:6380",
		"REDIS_PASSWORD":      "pw", "REDIS_TLS": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.EmbeddedRedis() || len(c.RedisClusterAddrs) != 3 || c.RedisClusterAddrs[1] != "10.0.0.2:6379" || !c.RedisTLS {
		t.Fatalf("cluster config = %+v", c)
	}
	c, err = config.Load(env(map[string]string{
		"REDIS_SENTINEL_ADDRS": "10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379", "REDIS_SENTINEL_MASTER": "kincare",
		"REDIS_SENTINEL_PASSWORD": "spw",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.EmbeddedRedis() || len(c.RedisSentinelAddrs) != 3 || c.RedisSentinelMaster != "kincare" {
		t.Fatalf("sentinel config = %+v", c)
	}

	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"two deployments", map[string]string{"REDIS_URL": "redis://a:6379", "REDIS_CLUSTER_ADDRS": "b:6379"},
			[]string{"REDIS_CLUSTER_ADDRS is set as well as REDIS_URL"}},
		{"an address without a port", map[string]string{"REDIS_CLUSTER_ADDRS": "a:6379,b"},
			[]string{`REDIS_CLUSTER_ADDRS has "b", which is not host:port`}},
		{"sentinels without a master name", map[string]string{"REDIS_SENTINEL_ADDRS": "a:26379"},
			[]string{"REDIS_SENTINEL_MASTER must be set"}},
		{"sentinel settings without sentinels", map[string]string{"REDIS_URL": "redis://a:6379",
			"REDIS_SENTINEL_MASTER": "m", "REDIS_SENTINEL_PASSWORD": "x"},
			[]string{"REDIS_SENTINEL_MASTER is set without", "REDIS_SENTINEL_PASSWORD is set without"}},
		{"credentials and TLS for no Redis", map[string]string{"REDIS_PASSWORD": "x", "REDIS_TLS": "true"},
			[]string{"REDIS_PASSWORD is set without", "REDIS_TLS is true without"}},
		{"TLS asked of a plain URL", map[string]string{"REDIS_URL": "redis://a:6379", "REDIS_TLS": "true",
			"REDIS_TLS_CA_FILE": "/nonexistent/ca.pem"}, []string{"REDIS_TLS is true but REDIS_URL says redis://",
			"REDIS_TLS_CA_FILE cannot be read"}},
		{"a CA without TLS", map[string]string{"REDIS_CLUSTER_ADDRS": "a:6379", "REDIS_TLS_CA_FILE": notPEM},
			[]string{"REDIS_TLS_CA_FILE is set without TLS"}},
		{"a CA file that is not PEM", map[string]string{"REDIS_URL": "rediss://a:6379", "REDIS_TLS_CA_FILE": notPEM},
			[]string{"REDIS_TLS_CA_FILE holds no PEM certificate"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.Load(env(c.env))
			if err == nil {
				t.Fatal("accepted")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(c.want) {
				t.Errorf("%d lines, want %d:\n%s", len(lines), len(c.want), err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("no line says %q:\n%s", w, err)
				}
			}
			if strings.Contains(err.Error(), "spw") || strings.Contains(err.Error(), `"x"`) {
				t.Errorf("a password is echoed:\n%s", err)
			}
		})
	}
}

func TestDeviceVendorKeysAreNamedKeysOf32BytesAtLeast(t *testing.T) {
	key := strings.Repeat("ab", 32)
	c, err := config.Load(env(map[string]string{"DEVICE_VENDOR_KEYS": "anxin=" + key + ", huijia-2=" + key + "cd"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.DeviceVendorKeys) != 2 || len(c.DeviceVendorKeys["anxin"]) != 32 || len(c.DeviceVendorKeys["huijia-2"]) != 33 {
		t.Fatalf("keys %v", c.DeviceVendorKeys)
	}
	for _, bad := range []string{"anxin=abcd", "Anxin=" + key, "anxin", "anxin=" + key + "zz", "=" + key} {
		_, err := config.Load(env(map[string]string{"DEVICE_VENDOR_KEYS": bad}))
		if err == nil || !strings.Contains(err.Error(), "DEVICE_VENDOR_KEYS ") || strings.Contains(err.Error(), key) {
			t.Errorf("DEVICE_VENDOR_KEYS=%q: %v (want refused, the key not echoed)", bad, err)
		}
	}
	if c, err := config.Load(env(nil)); err != nil || len(c.DeviceVendorKeys) != 0 || c.IncidentPollInterval != time.Second {
		t.Fatalf("defaults: %v %v", c.DeviceVendorKeys, err)
	}
}

func TestAMovedClockIsForTestsNotProduction(t *testing.T) {
	c, err := config.Load(env(map[string]string{"KINCARE_TEST_CLOCK_OFFSET_FILE": "/tmp/clock"}))
	if err != nil || c.TestClockOffsetFile != "/tmp/clock" {
		t.Fatalf("development with a clock file: %v, %q", err, c.TestClockOffsetFile)
	}
	_, err = config.Load(env(map[string]string{"KINCARE_ENV": "production", "KINCARE_TEST_CLOCK_OFFSET_FILE": "/tmp/clock"}))
	if err == nil || !strings.Contains(err.Error(), "KINCARE_TEST_CLOCK_OFFSET_FILE") {
		t.Errorf("production with a clock file: %v", err)
	}
}

func TestTheProfilerListensOnlyOnLoopbackAndOnlyWhenAsked(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil || c.PprofAddr != "" {
		t.Fatalf("profiler on by default: %q, %v", c.PprofAddr, err)
	}
	for _, ok := range []string{"127.0.0.1:6060", "localhost:0", "[::1]:6060"} {
		if c, err := config.Load(env(map[string]string{"PPROF_ADDR": ok})); err != nil || c.PprofAddr != ok {
			t.Errorf("PPROF_ADDR=%s: %q, %v", ok, c.PprofAddr, err)
		}
	}
	for _, bad := range []string{":6060", "0.0.0.0:6060", "10.0.0.5:6060", "127.0.0.1"} {
		if _, err := config.Load(env(map[string]string{"PPROF_ADDR": bad})); err == nil ||
			!strings.Contains(err.Error(), "PPROF_ADDR ") {
			t.Errorf("PPROF_ADDR=%s accepted: %v", bad, err)
		}
	}
}

func TestLogLinesAreBatchedForATenthOfASecondUnlessSetOtherwise(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil || c.LogFlushInterval != 100*time.Millisecond {
		t.Fatalf("default LOG_FLUSH_INTERVAL %s, %v; want 100ms", c.LogFlushInterval, err)
	}
	for v, want := range map[string]time.Duration{"0": 0, "0s": 0, "1s": time.Second, "10s": 10 * time.Second} {
		if c, err := config.Load(env(map[string]string{"LOG_FLUSH_INTERVAL": v})); err != nil || c.LogFlushInterval != want {
			t.Errorf("LOG_FLUSH_INTERVAL=%s: %s, %v; want %s", v, c.LogFlushInterval, err, want)
		}
	}
	for _, bad := range []string{"-1s", "11s", "soon", "100"} {
		if _, err := config.Load(env(map[string]string{"LOG_FLUSH_INTERVAL": bad})); err == nil ||
			!strings.Contains(err.Error(), "LOG_FLUSH_INTERVAL ") {
			t.Errorf("LOG_FLUSH_INTERVAL=%s accepted: %v", bad, err)
		}
	}
}
