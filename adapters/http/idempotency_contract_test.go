package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/openapi"
	"github.com/kincare/kincare/test/testenv"
)

// holdSpec is a throwaway contract with one operation; marked adds the
// x-idempotent mark and the real spec's IdempotencyKey parameter.
const holdSpec = `
openapi: 3.0.3
info: {title: holds, version: "1"}
security: [{bearerAuth: []}]
paths:
  /v1/slots/{slotId}/holds:
    post:
      operationId: createHold
      parameters:
        - {name: slotId, in: path, required: true, schema: {type: string, minLength: 1}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [childId]
              additionalProperties: false
              properties: {childId: {type: string}, seats: {type: integer}}
      responses:
        "201": {description: Held.}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
`

func holdContract(t *testing.T, mark, declare, anonymous bool) (*fiber.App, *contract, *openapi3.Operation) {
	t.Helper()
	doc, err := LoadSpec([]byte(holdSpec))
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Find("/v1/slots/{slotId}/holds").Post
	if mark {
		op.Extensions = map[string]any{extIdempotent: true}
	}
	if declare {
		real, err := LoadSpec(openapi.YAML)
		if err != nil {
			t.Fatal(err)
		}
		p, ok := real.Components.Parameters["IdempotencyKey"]
		if !ok {
			t.Fatal("openapi.yaml has no components/parameters/IdempotencyKey")
		}
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Ref: "#/components/parameters/IdempotencyKey", Value: p.Value})
	}
	if anonymous {
		op.Security = &openapi3.SecurityRequirements{}
	}
	app := newTestApp()
	app.Use(requestIDMiddleware)
	pass := func(c *fiber.Ctx) error { return c.Next() }
	return app, newContract(app, doc, testUser, pass), op
}

// An operation the spec marks x-idempotent gets the guard from the
// contract: its key is checked before the body, with its own codes, and
// its responses are replayed.
func TestTheContractMakesMarkedOperationsIdempotent(t *testing.T) {
	app, api, _ := holdContract(t, true, true, false)
	rdb, _ := testenv.Redis(t)
	api.useIdempotency(idempotency.NewGuard(redis.NewIdempotencyKeys(rdb), quietLog, idempotency.Options{}))
	desk := &holdDesk{}
	api.handle("createHold", desk.create)
	url := serve(t, app) + "/v1/slots/s1/holds"

	cases := []struct {
		name, key, body string
		status          int
		code            string
		replayed        bool
	}{
		{"no key", "", `{"childId":"c1"}`, 400, "idempotency_key_required", false},
		{"bad key", "a b", `{"childId":"c1"}`, 400, "idempotency_key_invalid", false},
		{"first", "k1", `{"childId":"c1"}`, 201, "", false},
		{"retry", "k1", `{"childId":"c1"}`, 201, "", true},
		{"another body", "k1", `{"childId":"c2"}`, 422, "idempotency_key_reused", false},
		{"invalid body", "k2", `{"seats":1}`, 422, "validation_failed", false},
		{"invalid body again", "k2", `{"seats":1}`, 422, "validation_failed", true},
	}
	mother := someone("mother")
	for _, c := range cases {
		r := post(t, url, mother, c.key, c.body)
		if r.status != c.status || r.code != c.code || r.replayed != c.replayed {
			t.Errorf("%s: %d %q replayed=%v; want %d %q replayed=%v", c.name, r.status, r.code, r.replayed, c.status, c.code, c.replayed)
		}
	}
	if n := desk.runs.Load(); n != 1 {
		t.Errorf("handler ran %d times; want once", n)
	}
	if r := post(t, url, "", "k1", `{"childId":"c1"}`); r.status != http.StatusUnauthorized {
		t.Errorf("without a user: %d; want 401 before any key is looked at", r.status)
	}
}

// A marking the server cannot honour stops it at start.
func TestAMisMarkedOperationPanicsAtStart(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	guard := idempotency.NewGuard(redis.NewIdempotencyKeys(rdb), quietLog, idempotency.Options{})
	for name, c := range map[string]struct {
		mark, declare, anonymous, guard bool
		want                            string
	}{
		"no guard":          {true, true, false, false, "no idempotency guard"},
		"no parameter":      {true, false, false, true, "does not declare"},
		"no mark":           {false, true, false, true, "not marked"},
		"no authentication": {true, true, true, true, "bearerAuth"},
	} {
		t.Run(name, func(t *testing.T) {
			_, api, _ := holdContract(t, c.mark, c.declare, c.anonymous)
			if c.guard {
				api.useIdempotency(guard)
			}
			defer func() {
				p, _ := recover().(string)
				if !strings.Contains(p, c.want) {
					t.Fatalf("panic %q; want one about %q", p, c.want)
				}
			}()
			api.handle("createHold", func(*fiber.Ctx) error { return nil })
		})
	}
}
