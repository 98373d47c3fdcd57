package idempotency_test

import (
	"strings"
	"testing"

	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/domain/fault"
)

func TestKeysAreOneTo255VisibleASCIICharacters(t *testing.T) {
	for raw, want := range map[string]error{
		"":                        idempotency.ErrKeyRequired,
		"5f0c3c1e-9a4b-4d8e-8f3a": nil,
		`"quoted"{braces}~!`:      nil,
		strings.Repeat("k", 255):  nil,
		strings.Repeat("k", 256):  idempotency.ErrKeyInvalid,
		"has space":               idempotency.ErrKeyInvalid,
		"tab\there":               idempotency.ErrKeyInvalid,
		"新订单":                     idempotency.ErrKeyInvalid,
		"del\x7f":                 idempotency.ErrKeyInvalid,
	} {
		_, err := idempotency.ParseKey(raw)
		if want == nil && err != nil || want != nil && !fault.Is(err, want.(*fault.Error)) {
			t.Errorf("ParseKey(%q) = %v, want %v", raw, err, want)
		}
	}
}

func TestFingerprintIgnoresJSONSpellingButNotMeaning(t *testing.T) {
	base := idempotency.Request{
		Method: "POST", Route: "/v1/slots/{slotId}/holds", Params: map[string]string{"slotId": "s1"},
		Body: []byte(`{"childId":"c1","seats":2,"note":{"b":1,"a":[1,2]}}`),
	}
	same := base
	same.Body = []byte("{ \"note\": {\"a\": [1, 2], \"b\": 1},\n \"seats\": 2, \"childId\": \"c1\" }")
	if idempotency.FingerprintOf(base) != idempotency.FingerprintOf(same) {
		t.Error("re-encoding the same JSON object changed the fingerprint")
	}
	differ := map[string]func(r *idempotency.Request){
		"body":   func(r *idempotency.Request) { r.Body = []byte(`{"childId":"c1","seats":3,"note":{"b":1,"a":[1,2]}}`) },
		"number": func(r *idempotency.Request) { r.Body = []byte(`{"childId":"c1","seats":2.0,"note":{"b":1,"a":[1,2]}}`) },
		"order":  func(r *idempotency.Request) { r.Body = []byte(`{"childId":"c1","seats":2,"note":{"b":1,"a":[2,1]}}`) },
		"param":  func(r *idempotency.Request) { r.Params = map[string]string{"slotId": "s2"} },
		"route":  func(r *idempotency.Request) { r.Route = "/v1/slots/{slotId}/waitlist" },
		"method": func(r *idempotency.Request) { r.Method = "PUT" },
		"query":  func(r *idempotency.Request) { r.Query = "dryRun=true" },
		"raw":    func(r *idempotency.Request) { r.Body = []byte(`{"childId":"c1"} trailing`) },
	}
	for name, change := range differ {
		r := base
		change(&r)
		if idempotency.FingerprintOf(r) == idempotency.FingerprintOf(base) {
			t.Errorf("a different %s kept the fingerprint", name)
		}
	}
	// Parts are length-prefixed: moving a character from one to the next
	// is a different request.
	a := idempotency.Request{Method: "POST", Route: "/v1/a", Params: map[string]string{"x": "yz"}}
	b := idempotency.Request{Method: "POST", Route: "/v1/a", Params: map[string]string{"xy": "z"}}
	if idempotency.FingerprintOf(a) == idempotency.FingerprintOf(b) {
		t.Error("parameter name and value ran into each other")
	}
	q1, q2 := base, base
	q1.Query, q2.Query = "a=1&b=2", "b=2&a=1"
	if idempotency.FingerprintOf(q1) != idempotency.FingerprintOf(q2) {
		t.Error("the order of query parameters changed the fingerprint")
	}
}

func TestOnlyFinalResponsesAreStored(t *testing.T) {
	for status, want := range map[int]bool{
		200: true, 201: true, 204: true, 400: true, 404: true, 409: true, 422: true,
		302: false, 408: false, 425: false, 429: false, 500: false, 503: false,
	} {
		if got := (idempotency.Response{Status: status}).Storable(); got != want {
			t.Errorf("status %d storable = %v, want %v", status, got, want)
		}
	}
}
