package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/domain/elder"
)

// A store that did not answer in time is 503 with Retry-After, not a 500
// that reads as a bug; other unknown errors stay 500 internal.
func TestAStoreTooBusyToAnswerIsUnavailableNotInternal(t *testing.T) {
	busy := fmt.Errorf("authenticate: mongo: find user: timed out while checking out a connection from connection pool: %w",
		context.DeadlineExceeded)
	status, code, fe := classify(busy)
	if status != 503 || code != "store_unavailable" || fe == nil || fe.RetryAfter != time.Second {
		t.Fatalf("busy store: %d %s %+v; want 503 store_unavailable retrying in 1s", status, code, fe)
	}
	if status, code, _ := classify(errors.New("boom")); status != 500 || code != "internal" {
		t.Fatalf("unknown error: %d %s; want 500 internal", status, code)
	}
}

// A refusal that names what stands in the way carries it as a member of
// the problem, beside the localized text: an elder with an open alarm
// names the incidents, for the app to open them.
func TestAProblemCarriesTheIdsAClientActsOn(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: errorHandler(slog.New(slog.DiscardHandler))})
	app.Delete("/v1/elders/:id", func(c *fiber.Ctx) error {
		return fmt.Errorf("delete elder: %w", elder.OpenIncidents([]string{"incident-1"}))
	})
	req := httptest.NewRequest(fiber.MethodDelete, "/v1/elders/e1", nil)
	req.Header.Set(fiber.HeaderAcceptLanguage, "en")
	res, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Problem
		IncidentIDs []string `json:"incidentIds"`
	}
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != fiber.StatusConflict || res.Header.Get(fiber.HeaderContentType) != problemJSON ||
		p.Code != "elder_has_open_incident" || p.Title != "An alarm is still open" ||
		len(p.IncidentIDs) != 1 || p.IncidentIDs[0] != "incident-1" {
		t.Fatalf("the refusal: %d %+v", res.StatusCode, p)
	}
}
