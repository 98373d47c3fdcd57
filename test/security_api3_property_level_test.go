package e2e_test

// API3:2023 Broken Object Property Level Authorization. Clients cannot
// write what the server owns (mass assignment): every request body
// refuses a property its operation does not declare (422
// unknown_property), which the contract guarantees for every body
// (additionalProperties: false, checked below) and the table proves for
// every operation with the properties a server keeps (ids, owners,
// statuses, roles, versions); a record's photo keys must lie under the
// prefix the server issued for that order, child or family (issue 13,
// defect 7). And responses show people's phone numbers only to their owners, an
// order's address only to the caregiver it is given to, and nothing of a
// provider's staff to the public.

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kincare/kincare/openapi"
)

// serverOwned are properties no client may set.
var serverOwned = []string{"id", "createdBy", "createdAt", "status", "version", "familyId", "ownerId", "roles", "admins",
	"caregiverId", "credit", "priceFen", "dueFen", "verified"}

func testPropertyLevelAuthorization(t *testing.T, w *world) {
	t.Run("no body takes a property the server owns", func(t *testing.T) {
		t.Parallel()
		for _, r := range securityRows(w) {
			p := w.prepare(t, r)
			if !p.spec.hasBody {
				continue
			}
			t.Run(r.op, func(t *testing.T) {
				t.Parallel()
				f := w.request(t, p, "")
				body := map[string]any{}
				if m, ok := f.body.(map[string]any); ok {
					for k, v := range m {
						body[k] = v
					}
				} else if f.body != nil {
					body = toMap(t, f.body)
				}
				var added []string
				for _, prop := range serverOwned {
					if _, declared := body[prop]; !declared && !p.spec.declares(prop) && len(added) < 3 {
						body[prop] = "x"
						added = append(added, prop)
					}
				}
				f.body = body
				got := wantProblem(t, w.sendWith(t, p, f, w.anyToken(r)...), http.StatusUnprocessableEntity, "validation_failed")
				for _, prop := range added {
					wantFieldCode(t, got, "/"+prop, "unknown_property")
				}
			})
		}
	})
	t.Run("nobody sees another person's phone number", func(t *testing.T) {
		t.Parallel()
		for _, r := range securityRows(w) {
			p := w.prepare(t, r)
			if p.spec.method != http.MethodGet || r.fresh != nil || r.each != nil {
				continue
			}
			t.Run(r.op, func(t *testing.T) {
				t.Parallel()
				for _, a := range actors {
					if !r.probes(a) || denied(r.status(a)) {
						continue
					}
					body := string(w.send(t, p, p.fixture, a).body)
					for other, person := range w.people {
						if other != a && strings.Contains(body, person.phone.national) {
							t.Errorf("%s as %s shows %s's phone %s unmasked", r.op, a, other, person.phone.national)
						}
					}
				}
			})
		}
	})
	t.Run("a caregiver sees the address only of an order given to them", func(t *testing.T) {
		t.Parallel()
		offered := w.orderOffered
		offers := must[listPage[orderView]](t, w.who(carerA).get(t, "/v1/caregiver/offers?limit=100"), http.StatusOK)
		i := slices.IndexFunc(offers.Items, func(o orderView) bool { return o.ID == offered })
		if i < 0 {
			t.Fatalf("order %s is not among carerA's offers", offered)
		}
		if offers.Items[i].Address != nil {
			t.Errorf("an offer shows the elder's address before it is accepted: %s", compactJSON(offers.Items[i]))
		}
		if o := must[orderView](t, w.who(carerA).get(t, "/v1/orders/"+w.orderA), http.StatusOK); o.Address == nil {
			t.Errorf("carerA's accepted order %s shows no address", w.orderA)
		}
	})
	t.Run("a record points only at files under the prefix the server issued for it", func(t *testing.T) {
		t.Parallel()
		rows := map[string]row{}
		for _, r := range securityRows(w) {
			rows[r.op] = r
		}
		p := w.prepare(t, rows["writeServiceRecord"])
		f := w.request(t, p, "") // an order in service, for refused requests only
		id := strings.Split(f.path, "/")[3]
		o := must[struct {
			PhotoKeyPrefix string `json:"photoKeyPrefix"`
		}](t, w.who(carerA).get(t, "/v1/orders/"+id), http.StatusOK)
		if o.PhotoKeyPrefix != "orders/"+id+"/" {
			t.Fatalf("order %s: photoKeyPrefix %q, want orders/%s/", id, o.PhotoKeyPrefix, id)
		}
		for _, key := range []string{"orders/" + w.orderA + "/a.jpg", "https://evil.example/a.jpg", o.PhotoKeyPrefix + "../x.jpg", "a.jpg"} {
			f.body = map[string]any{"checklist": []string{"dressed"}, "photoKeys": []string{o.PhotoKeyPrefix + "ok.jpg", key}}
			got := wantProblem(t, w.sendWith(t, p, f, bearer(w.who(carerA).access)...), http.StatusUnprocessableEntity, "service_record_invalid")
			wantFieldCode(t, got, "/photoKeys/1", "not_under_prefix")
		}
		c := must[struct {
			PhotoKeyPrefix string `json:"photoKeyPrefix"`
		}](t, w.who(famA).get(t, "/v1/children/"+w.childA), http.StatusOK)
		if c.PhotoKeyPrefix != "children/"+w.childA+"/" {
			t.Fatalf("child %s: photoKeyPrefix %q", w.childA, c.PhotoKeyPrefix)
		}
		for _, ref := range []string{"children/" + w.childB + "/grandma.jpg", "https://evil.example/grandma.jpg", "uploads/grandma.jpg"} {
			got := wantProblem(t, w.who(famA).post(t, "/v1/children/"+w.childA+"/pickup-persons", map[string]string{
				"name": "李秀英", "relation": "外婆", "phone": newPhone().national, "idLast4": "123X", "photoRef": ref}),
				http.StatusUnprocessableEntity, "child_invalid")
			wantFieldCode(t, got, "/photoRef", "not_under_prefix")
		}
		fam := must[struct {
			PhotoKeyPrefix string `json:"photoKeyPrefix"`
		}](t, w.who(famA).get(t, "/v1/families/"+w.famA), http.StatusOK)
		if fam.PhotoKeyPrefix != "families/"+w.famA+"/" {
			t.Fatalf("family %s: photoKeyPrefix %q", w.famA, fam.PhotoKeyPrefix)
		}
		// orderA has its complaint already: a request that got past the
		// photo keys would be 409 and file nothing.
		for _, key := range []string{"families/" + w.famB + "/a.jpg", "orders/" + w.orderA + "/a.jpg",
			"https://evil.example/a.jpg", fam.PhotoKeyPrefix + "../x.jpg", fam.PhotoKeyPrefix + "ok.jpg"} {
			got := wantProblem(t, w.who(famA).post(t, "/v1/complaints", map[string]any{
				"subject": map[string]string{"kind": "order", "id": w.orderA}, "category": "late_or_no_show",
				"text": "护理员迟到一小时，洗澡过程很匆忙。", "desiredResolution": "apology",
				"photoKeys": []string{fam.PhotoKeyPrefix + "ok.jpg", key}}, "Idempotency-Key", randomID()),
				http.StatusUnprocessableEntity, "complaint_invalid")
			code := "not_under_prefix"
			if key == fam.PhotoKeyPrefix+"ok.jpg" {
				code = "duplicate"
			}
			wantFieldCode(t, got, "/photoKeys/1", code)
		}
		// A daily report's photos lie under the report's own prefix. The
		// world's report is published: a request past the keys would need
		// a reason, and would change nothing.
		reports := must[listPage[struct {
			PhotoKeyPrefix string `json:"photoKeyPrefix"`
		}]](t, w.who(carerA).get(t, "/v1/children/"+w.day.child+"/daily-reports?providerId="+w.provA), http.StatusOK)
		if len(reports.Items) != 1 || !strings.HasPrefix(reports.Items[0].PhotoKeyPrefix, "daily-reports/") {
			t.Fatalf("the child's day's reports %s, want one with a photoKeyPrefix under daily-reports/", compactJSON(reports))
		}
		prefix := reports.Items[0].PhotoKeyPrefix
		for _, key := range []string{"children/" + w.day.child + "/a.jpg", "daily-reports/" + randomID() + "/a.jpg",
			"https://evil.example/a.jpg", prefix + "../x.jpg"} {
			body := w.reportBody()
			body["photoRefs"] = []string{prefix + "ok.jpg", key}
			got := wantProblem(t, w.who(carerA).put(t, "/v1/children/"+w.day.child+"/daily-reports/"+w.day.date, body),
				http.StatusUnprocessableEntity, "daily_report_invalid")
			wantFieldCode(t, got, "/photoRefs/1", "not_under_prefix")
		}
	})
	t.Run("the public sees a provider, not its staff", func(t *testing.T) {
		t.Parallel()
		page := string(w.srv.get(t, "/v1/providers/"+w.provA).body)
		for _, a := range []actor{provA, officeA, carerA} {
			if p := w.who(a); strings.Contains(page, p.id) || strings.Contains(page, p.phone.national) || strings.Contains(page, p.phone.masked()) {
				t.Errorf("provider A's public page names %s (id or phone)", a)
			}
		}
	})
}

// toMap is v as a JSON object.
func toMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("body %s is not a JSON object", b)
	}
	return out
}

// declares reports whether the operation's body has a top-level
// property of this name.
func (o specOperation) declares(prop string) bool { return slices.Contains(o.bodyProps, prop) }

// anyToken is a token that passes authentication for the row: request
// validation, which refuses these bodies, comes after it.
func (w *world) anyToken(r row) []string {
	for _, a := range actors {
		if r.probes(a) && !denied(r.status(a)) {
			return bearer(w.who(a).access)
		}
	}
	return bearer(w.who(famA).access)
}

// The contract refuses unknown properties in every body: each object
// schema of a request says additionalProperties: false (or is one of
// allOf's members beside one that does). Runs without a server.
func TestEveryRequestBodyRefusesUnknownProperties(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				walkRequestSchema(mt.Schema.Value, "", func(at string, s *openapi3.Schema, closed bool) {
					if s.Type.Is("object") && !closed {
						t.Errorf("%s: the object at %q takes properties it does not declare; set additionalProperties: false",
							op.OperationID, at+"/")
					}
				})
			}
		}
	}
}

// walkRequestSchema visits every schema under s; closed says whether
// unknown properties are refused there.
func walkRequestSchema(s *openapi3.Schema, at string, visit func(at string, s *openapi3.Schema, closed bool)) {
	if s == nil {
		return
	}
	closed := isClosed(s)
	for _, m := range s.AllOf {
		closed = closed || isClosed(m.Value)
	}
	visit(at, s, closed || len(s.AllOf) > 0 && closed)
	for _, m := range s.AllOf {
		for name, p := range m.Value.Properties {
			walkRequestSchema(p.Value, at+"/"+name, visit)
		}
	}
	for name, p := range s.Properties {
		walkRequestSchema(p.Value, at+"/"+name, visit)
	}
	if s.Items != nil {
		walkRequestSchema(s.Items.Value, at+"/*", visit)
	}
}

func isClosed(s *openapi3.Schema) bool {
	return s != nil && s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
}
