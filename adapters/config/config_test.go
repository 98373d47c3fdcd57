package config_test

import (
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
