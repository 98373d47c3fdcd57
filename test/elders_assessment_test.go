package e2e_test

import (
	"net/http"
	"testing"
	"time"
)

type assessedView struct {
	ElderID    string `json:"elderId"`
	Assessment struct {
		Level      string `json:"level"`
		Source     string `json:"source"`
		ProviderID string `json:"providerId"`
	} `json:"assessment"`
	BirthDateOfRecord string `json:"birthDateOfRecord"`
	BirthDateSource   string `json:"birthDateSource"`
}

type elderRecordView struct {
	BirthDate         string `json:"birthDate"`
	BirthDateOfRecord string `json:"birthDateOfRecord"`
	BirthDateSource   string `json:"birthDateSource"`
	Assessment        *struct {
		Level  string `json:"level"`
		Source string `json:"source"`
	} `json:"assessment"`
}

// TestOnlyAnAssessingBodyMakesAnElderEligible: a bath for the severely
// disabled aged 85 and over, at the 普惠 price. A daughter whose mother
// is 80 types "total, assessed by myself" and later moves the birth date
// to make her 96: kept, shown, and priced by nothing. A regulator's
// assessment and a licensed assessment centre's staff, who checks the
// mother's ID and confirms her birth date, decide. The same holds for a
// father already ordered for: his birth date, once it priced an order,
// moves only by an official record.
func TestOnlyAnAssessingBodyMakesAnElderEligible(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, true)
	srv, platform, regulator := st.srv, st.admin, st.regulator
	home := point{lat: 31.1883, lng: 121.4365}

	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(), nil))
	platform.verify(t, prov.ID)
	heavy := itemBody("bathing", 20000, 15000)
	heavy["eligibility"] = map[string]any{"levels": []string{"severe", "total"}, "minAge": 85}
	bath := owner.addItem(t, prov.ID, heavy)
	light := itemBody("cleaning", 8000, 6000)
	light["eligibility"] = map[string]any{"minAge": 85}
	clean85 := owner.addItem(t, prov.ID, light)
	clean := owner.addItem(t, prov.ID, itemBody("cleaning", 8000, 6000))

	centreOwner := srv.signUp(t)
	centreName := uniqueName("徐汇区老年人能力评估中心")
	centre := centreOwner.register(t, providerBody(centreName, home.offset(2000, 0), 10, newPhone(), map[string]any{
		"licences": []map[string]string{{"kind": "ability_assessment", "number": "沪评估备字" + centreName[len(centreName)-6:]}}}))
	platform.verify(t, centre.ID)
	assessorPhone := newPhone()
	wantStatus(t, centreOwner.post(t, "/v1/providers/"+centre.ID+"/staff-invites",
		map[string]string{"phone": assessorPhone.national, "role": "provider_staff"}), http.StatusCreated)
	assessor := srv.loginExisting(t, assessorPhone)
	wantStatus(t, assessor.post(t, "/v1/providers/"+centre.ID+"/staff-invites/accept", nil), http.StatusOK)

	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"birthDate": dateAgo(80, 0, 0)}))
	daughter.consent(t, fam.ID, "elder_health", mother.ID)
	assessments := "/v1/elders/" + mother.ID + "/assessments"
	monday := nextMondayAt(10, 0)
	window := map[string]string{"start": monday.Format(time.RFC3339), "end": monday.Add(time.Hour).Format(time.RFC3339)}
	quote := func(elderID, itemID string) *response {
		return daughter.post(t, "/v1/quotes", map[string]any{"elderId": elderID, "providerId": prov.ID, "itemId": itemID,
			"window": window})
	}
	recent := dateAgo(0, 0, 3)

	// Her own word.
	mine := must[elderRecordView](t, daughter.post(t, assessments, map[string]string{"level": "total",
		"assessedOn": recent, "assessedBy": "myself"}), http.StatusCreated)
	if mine.Assessment == nil || mine.Assessment.Source != "self_reported" {
		t.Fatalf("the daughter's assessment is kept as %s, want self_reported", compactJSON(mine.Assessment))
	}
	wantProblem(t, quote(mother.ID, bath.ID), http.StatusUnprocessableEntity, "ability_level_not_eligible")
	p := wantProblem(t, daughter.post(t, assessments, map[string]string{"level": "total", "assessedOn": recent,
		"assessedBy": "myself", "birthDate": dateAgo(96, 0, 0)}), http.StatusUnprocessableEntity, "elder_invalid")
	wantFieldCode(t, p, "/birthDate", "official_only")

	// Only licensed providers' staff assess in a provider's name.
	for who, c := range map[string]struct {
		p          *person
		providerID string
	}{"the bathing provider's admin": {owner, prov.ID}, "the daughter": {daughter, centre.ID}} {
		r := c.p.post(t, assessments, map[string]string{"level": "total", "assessedOn": recent, "assessedBy": "评估中心",
			"providerId": c.providerID})
		if r.status != http.StatusForbidden || r.json["code"] != "assessor_not_licensed" {
			t.Errorf("%s recording in a provider's name: %s, want 403 assessor_not_licensed", who, r)
		}
	}

	// The regulator's assessment counts; she is answered with it, not with
	// the family's record.
	r := regulator.post(t, assessments, map[string]string{"level": "severe", "assessedOn": recent, "assessedBy": "徐汇区民政局"})
	official := must[assessedView](t, r, http.StatusCreated)
	if official.Assessment.Source != "official" || official.BirthDateOfRecord != dateAgo(80, 0, 0) {
		t.Errorf("the regulator recorded %s, want an official assessment", compactJSON(official))
	}
	if leaked := containsAny(r.body, map[string]string{"the elder's name": "王秀兰", "her street": "漕溪北路"}); len(leaked) > 0 {
		t.Errorf("the regulator's answer shows %v: %s", leaked, r.body)
	}
	wantProblem(t, quote(mother.ID, bath.ID), http.StatusUnprocessableEntity, "age_not_eligible")

	// The daughter makes her mother 96: kept, but the date on record stays.
	moved := must[elderRecordView](t, daughter.patch(t, "/v1/elders/"+mother.ID,
		map[string]string{"birthDate": dateAgo(96, 0, 0)}), http.StatusOK)
	if moved.BirthDate != dateAgo(96, 0, 0) || moved.BirthDateOfRecord != dateAgo(80, 0, 0) ||
		moved.BirthDateSource != "self_reported" {
		t.Errorf("after the daughter's change the elder shows %s, want the new date kept and the old one on record",
			compactJSON(moved))
	}
	wantProblem(t, quote(mother.ID, bath.ID), http.StatusUnprocessableEntity, "age_not_eligible")

	// The centre's assessor checks her ID: 96 after all, severely disabled.
	confirmed := must[assessedView](t, assessor.post(t, assessments, map[string]string{"level": "severe",
		"assessedOn": recent, "assessedBy": centreName, "providerId": centre.ID, "birthDate": dateAgo(96, 0, 0)}),
		http.StatusCreated)
	if confirmed.Assessment.Source != "official" || confirmed.Assessment.ProviderID != centre.ID ||
		confirmed.BirthDateOfRecord != dateAgo(96, 0, 0) || confirmed.BirthDateSource != "official" {
		t.Errorf("the centre recorded %s, want official, for the centre, confirming the birth date", compactJSON(confirmed))
	}
	q := must[quoteView](t, quote(mother.ID, bath.ID), http.StatusOK)
	if q.InclusiveFen != 15000 || q.ChargedFen != 15000 {
		t.Errorf("quote %s, want the 普惠 price", compactJSON(q))
	}

	// A father already ordered for: his birth date priced that order.
	father := daughter.addElder(t, fam.ID, elderBody("王建国", map[string]any{"gender": "male", "birthDate": dateAgo(70, 0, 0)}))
	fq := must[quoteView](t, quote(father.ID, clean.ID), http.StatusOK)
	wantStatus(t, daughter.post(t, "/v1/orders", map[string]any{"elderId": father.ID, "providerId": prov.ID,
		"itemId": clean.ID, "priceVersion": fq.PriceVersion, "window": window}, "Idempotency-Key", randomID()),
		http.StatusCreated)
	older := must[elderRecordView](t, daughter.patch(t, "/v1/elders/"+father.ID,
		map[string]string{"birthDate": dateAgo(90, 0, 0)}), http.StatusOK)
	if older.BirthDateOfRecord != dateAgo(70, 0, 0) {
		t.Errorf("after an order, the father's birth date on record moved to %s", older.BirthDateOfRecord)
	}
	wantProblem(t, quote(father.ID, clean85.ID), http.StatusUnprocessableEntity, "age_not_eligible")
}
