package e2e_test

import (
	"net/http"
	"testing"
)

// TestARegulatorOverseesTheirRegionsOnly: Shanghai's regulator (310100,
// the city, covering Xuhui's 310104 where the provider and the elder
// are) supervises them; Suzhou's (320500) finds nothing of them — not
// the hidden provider, the escalated complaint, the elder's allowance —
// exactly as if it did not exist; neither writes a provider's business
// data; neither ever sees the family's contact details or the elder's
// health; and nobody but a platform admin binds a regulator to regions.
func TestARegulatorOverseesTheirRegionsOnly(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	shanghai, suzhou := srv.signUp(t), srv.signUp(t)
	makeRegulator(t, admin, shanghai, "310100")
	makeRegulator(t, admin, suzhou, "320500")

	// A regulator's account says what they oversee.
	me := must[struct {
		RegionCodes []string `json:"regionCodes"`
	}](t, shanghai.get(t, "/v1/me"), http.StatusOK)
	if len(me.RegionCodes) != 1 || me.RegionCodes[0] != "310100" {
		t.Fatalf("the regulator's regions: %v", me.RegionCodes)
	}

	// A verified provider in Xuhui, and another still pending (hidden).
	boss := srv.signUp(t)
	home := point{lat: 31.1883, lng: 121.4365}
	prov := boss.register(t, providerBody(uniqueName("徐汇颐养中心"), home, 5, newPhone(), nil))
	admin.verify(t, prov.ID)
	pending := srv.signUp(t).register(t, providerBody(uniqueName("徐汇待审中心"), home, 5, newPhone(), nil))

	// The Wangs: an elder in Xuhui with her own phone, an emergency
	// contact and an assessment under consent; an allowance.
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	elderPhone, contactPhone := newPhone(), newPhone()
	el := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"phone": elderPhone.national,
		"emergencyContacts": []map[string]string{{"name": "王建国", "relation": "儿子", "phone": contactPhone.national}}}))
	daughter.consent(t, fam.ID, "elder_health", el.ID)
	elder := "/v1/elders/" + el.ID
	allowance := must[allowanceView](t, admin.post(t, elder+"/allowances", allowanceBody()), http.StatusCreated)
	ledger := elder + "/allowances/" + allowance.ID

	// Their complaint about the provider, answered, escalated.
	cmp := must[struct {
		ID string `json:"id"`
	}](t, daughter.post(t, "/v1/complaints", map[string]any{"subject": map[string]string{"kind": "provider", "id": prov.ID},
		"familyId": fam.ID, "category": "billing", "text": "多收了上门费五十元", "desiredResolution": "refund"},
		"Idempotency-Key", randomID()), http.StatusCreated)
	complaint := "/v1/complaints/" + cmp.ID
	wantStatus(t, boss.post(t, complaint+"/response", map[string]string{"text": "费用符合公示价格。"}), http.StatusOK)
	wantStatus(t, daughter.post(t, complaint+"/escalate", map[string]string{"reason": "未退款。"}), http.StatusOK)

	// What Shanghai may do, Suzhou meets as "not found".
	for _, c := range []struct {
		what       string
		call       func(p *person) *response
		want, away int
	}{
		{"read the pending provider", func(p *person) *response { return p.get(t, "/v1/providers/"+pending.ID) }, 200, 404},
		{"read its whole menu", func(p *person) *response { return p.get(t, "/v1/providers/"+pending.ID+"/items") }, 200, 404},
		{"read the escalated complaint", func(p *person) *response { return p.get(t, complaint) }, 200, 404},
		{"read the allowance's ledger", func(p *person) *response { return p.get(t, ledger+"/ledger") }, 200, 404},
		{"list the elder's allowances", func(p *person) *response { return p.get(t, elder+"/allowances") }, 200, 404},
		{"adjust the allowance", func(p *person) *response {
			return p.post(t, ledger+"/adjustments", map[string]any{"direction": "credit", "amount": 100, "reason": "补发"},
				"Idempotency-Key", randomID())
		}, 201, 404},
		{"grant an allowance", func(p *person) *response { return p.post(t, elder+"/allowances", allowanceBody()) }, 201, 404},
		{"record an official assessment", func(p *person) *response {
			return p.post(t, elder+"/assessments", map[string]string{"level": "moderate", "assessedOn": dateAgo(0, 1, 0),
				"assessedBy": "徐汇区评估中心"})
		}, 201, 404},
		{"set the provider's credit", func(p *person) *response { return p.setCredit(t, prov.ID, "red_listed", "示范单位") }, 200, 404},
		{"decide the complaint", func(p *person) *response {
			return p.post(t, complaint+"/decision", map[string]string{"outcome": "upheld", "text": "多收费属实"})
		}, 200, 404},
	} {
		got := c.call(suzhou)
		if got.status != c.away {
			t.Errorf("Suzhou's regulator may %s: %d %s, want %d", c.what, got.status, got.body, c.away)
		} else if c.away == http.StatusNotFound {
			wantProblem(t, got, http.StatusNotFound, problemCode(t, got))
		}
		got = c.call(shanghai)
		if got.status != c.want {
			t.Errorf("Shanghai's regulator may not %s: %d %s, want %d", c.what, got.status, got.body, c.want)
		}
		// DESIGN.md invariant 7: whatever a regulator is shown carries
		// no family contact detail and no health data but what they
		// recorded themselves.
		if leaked := containsAny(got.body, map[string]string{"the daughter's phone": daughter.phone.national[3:],
			"the elder's phone": elderPhone.national[3:], "the contact's phone": contactPhone.national[3:],
			"the contact's name": "王建国", "the caregiver notes": "耳背", "the allergies": "花生"}); len(leaked) > 0 {
			t.Errorf("Shanghai's regulator, to %s, is shown %v: %s", c.what, leaked, got.body)
		}
	}
	// The public page of a visible provider is public, to Suzhou's
	// regulator too; Suzhou's list of escalated complaints is empty,
	// Shanghai's has the Wangs'.
	wantStatus(t, suzhou.get(t, "/v1/providers/"+prov.ID), http.StatusOK)
	type listed struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if l := must[listed](t, suzhou.get(t, "/v1/regulator/complaints"), http.StatusOK); len(l.Items) != 0 {
		t.Errorf("Suzhou's regulator lists %d complaints", len(l.Items))
	}
	if l := must[listed](t, suzhou.get(t, "/v1/regulator/complaints?region=3101"), http.StatusOK); len(l.Items) != 0 {
		t.Errorf("Suzhou's regulator lists %d complaints of Shanghai by asking for them", len(l.Items))
	}
	if l := must[listed](t, shanghai.get(t, "/v1/regulator/complaints"), http.StatusOK); len(l.Items) != 1 || l.Items[0].ID != cmp.ID {
		t.Errorf("Shanghai's regulator lists %+v", l.Items)
	}
	// The elder herself, her family's records: never a regulator's.
	for _, path := range []string{elder, "/v1/families/" + fam.ID, "/v1/families/" + fam.ID + "/elders"} {
		wantStatus(t, shanghai.get(t, path), http.StatusNotFound)
	}

	// A regulator writing a provider's business data: 403, in their
	// region too.
	for _, r := range []*response{
		shanghai.do(t, http.MethodPut, "/v1/providers/"+prov.ID, providerBody(prov.LegalName, home, 5, newPhone(), nil)),
		shanghai.post(t, "/v1/providers/"+prov.ID+"/items", itemBody("cleaning", 8000, 6000)),
		shanghai.post(t, complaint+"/response", map[string]string{"text": "代为回复"}),
		shanghai.do(t, http.MethodPut, "/v1/providers/"+prov.ID+"/verification", map[string]string{"decision": "suspend",
			"reason": "代为处理"}),
	} {
		wantProblem(t, r, http.StatusForbidden, problemCode(t, r))
	}

	// Family and provider users calling regulators' operations: 403.
	for _, p := range []*person{daughter, boss} {
		wantProblem(t, p.get(t, "/v1/regulator/complaints"), http.StatusForbidden, "forbidden")
		wantProblem(t, p.setCredit(t, prov.ID, "black_listed", "恶意"), http.StatusForbidden, "forbidden")
		wantProblem(t, p.post(t, ledger+"/adjustments", map[string]any{"direction": "credit", "amount": 100, "reason": "补发"},
			"Idempotency-Key", randomID()),
			http.StatusForbidden, "forbidden")
		wantProblem(t, p.do(t, http.MethodPut, "/v1/users/"+p.id+"/regions", map[string][]string{"regionCodes": {"310000"}}),
			http.StatusForbidden, "forbidden")
	}
	// Nor does a regulator widen their own jurisdiction.
	wantProblem(t, suzhou.do(t, http.MethodPut, "/v1/users/"+suzhou.id+"/regions",
		map[string][]string{"regionCodes": {"310000"}}), http.StatusForbidden, "forbidden")

	// A region code is six digits.
	for _, bad := range []string{"3101", "31010a", "0310100", ""} {
		p := wantProblem(t, admin.do(t, http.MethodPut, "/v1/users/"+suzhou.id+"/regions",
			map[string][]string{"regionCodes": {"320500", bad}}), http.StatusUnprocessableEntity, "validation_failed")
		wantFieldCode(t, p, "/regionCodes/1", "pattern")
	}
	// Unbound, a regulator oversees nothing.
	wantStatus(t, admin.do(t, http.MethodPut, "/v1/users/"+shanghai.id+"/regions", map[string][]string{"regionCodes": {}}),
		http.StatusOK)
	wantStatus(t, shanghai.get(t, complaint), http.StatusNotFound)
}

// problemCode is the code of a problem answer, whatever it is.
func problemCode(t *testing.T, r *response) string {
	t.Helper()
	code, _ := r.json["code"].(string)
	return code
}
