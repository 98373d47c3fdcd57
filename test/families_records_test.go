package e2e_test

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

// TestSmuggledFieldsChangeNothing: a tampered app sends fields the
// contract does not let a family set (ids, the family, allowances, who
// created a record). Each request is refused whole, naming the field, and
// nothing is created or changed.
func TestSmuggledFieldsChangeNothing(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: familyEnv()})
	son := srv.signUp(t)
	fam := son.createFamily(t, "王家")
	other := son.createFamily(t, "李家")
	son.consent(t, fam.ID, "child_data", "")
	mother := son.addElder(t, fam.ID, elderBody("王秀兰", nil))
	kid := son.addChild(t, fam.ID, childBody("王乐乐", dateAgo(1, 0, 0)))
	smuggled := map[string]any{
		"familyId":   other.ID,
		"id":         "chosen-id",
		"allowances": []any{allowanceBody()},
		"createdBy":  "someone-else",
		"age":        99,
	}
	elderBefore := decode[map[string]any](t, son.get(t, "/v1/elders/"+mother.ID))
	childBefore := decode[map[string]any](t, son.get(t, "/v1/children/"+kid.ID))

	for field, value := range smuggled {
		t.Run("new elder with "+field, func(t *testing.T) {
			r := son.post(t, "/v1/families/"+fam.ID+"/elders", elderBody("王建国", map[string]any{field: value}))
			wantFieldCode(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), "/"+field, "unknown_property")
		})
		t.Run("changed elder with "+field, func(t *testing.T) {
			r := son.patch(t, "/v1/elders/"+mother.ID, map[string]any{"caregiverNotes": "改过了", field: value})
			wantFieldCode(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), "/"+field, "unknown_property")
		})
		t.Run("new child with "+field, func(t *testing.T) {
			b := childBody("王小宝", dateAgo(0, 6, 0))
			b[field] = value
			wantFieldCode(t, wantProblem(t, son.post(t, "/v1/families/"+fam.ID+"/children", b), http.StatusUnprocessableEntity, "validation_failed"), "/"+field, "unknown_property")
		})
		t.Run("changed child with "+field, func(t *testing.T) {
			r := son.patch(t, "/v1/children/"+kid.ID, map[string]any{"healthNotes": "改过了", field: value})
			wantFieldCode(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), "/"+field, "unknown_property")
		})
	}
	t.Run("a child's pickup persons cannot be set with the child", func(t *testing.T) {
		r := son.patch(t, "/v1/children/"+kid.ID, map[string]any{"pickupPersons": []any{map[string]string{"name": "陌生人"}}})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), "/pickupPersons")
	})
	t.Run("a new family cannot come with members", func(t *testing.T) {
		r := son.post(t, "/v1/families", map[string]any{"name": "张家", "members": []any{map[string]string{"userId": "x", "role": "owner"}}})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), "/members")
	})
	t.Run("a consent cannot name who granted it", func(t *testing.T) {
		r := son.post(t, "/v1/families/"+fam.ID+"/consents", map[string]string{"scope": "elder_health", "elderId": mother.ID,
			"policyVersion": "2026-11", "grantedBy": "someone-else"})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), "/grantedBy")
	})

	if es := son.elders(t, fam.ID); len(es) != 1 || es[0].ID != mother.ID {
		t.Errorf("elders of 王家 after the refusals: %s, want only %s", compactJSON(es), mother.ID)
	}
	if es := son.elders(t, other.ID); len(es) != 0 {
		t.Errorf("elders of 李家 after the refusals: %s, want none", compactJSON(es))
	}
	if cs := son.children(t, fam.ID); len(cs) != 1 {
		t.Errorf("children after the refusals: %s, want only %s", compactJSON(cs), kid.ID)
	}
	if got := decode[map[string]any](t, son.get(t, "/v1/elders/"+mother.ID)); !reflect.DeepEqual(got, elderBefore) {
		t.Errorf("the elder changed:\nbefore %s\nafter  %s", compactJSON(elderBefore), compactJSON(got))
	}
	if got := decode[map[string]any](t, son.get(t, "/v1/children/"+kid.ID)); !reflect.DeepEqual(got, childBefore) {
		t.Errorf("the child changed:\nbefore %s\nafter  %s", compactJSON(childBefore), compactJSON(got))
	}
	if fs := must[listPage[familySummary]](t, son.get(t, "/v1/families"), http.StatusOK).Items; len(fs) != 2 {
		t.Errorf("families after the refusals: %s, want 王家 and 李家", compactJSON(fs))
	}
}

// TestMistypedRecordsAreRefusedWhole: each mistake gets a problem that
// names its field, and nothing of the request is kept.
func TestMistypedRecordsAreRefusedWhole(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: familyEnv()})
	son := srv.signUp(t)
	fam := son.createFamily(t, "王家")
	son.consent(t, fam.ID, "child_data", "")
	families := "/v1/families"
	elders := "/v1/families/" + fam.ID + "/elders"
	children := "/v1/families/" + fam.ID + "/children"
	contact := func(phone string) []map[string]string {
		return []map[string]string{{"name": "王小明", "relation": "儿子", "phone": phone}}
	}

	cases := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
		field  string
		fcode  string // the field error's code, when the story is about it
	}{
		{"a latitude past the pole", "POST", elders, elderBody("王秀兰", map[string]any{"address": address(91, 121.4)}), 422, "validation_failed", "/address/lat", ""},
		{"a longitude off the globe", "POST", elders, elderBody("王秀兰", map[string]any{"address": address(31.2, -181)}), 422, "validation_failed", "/address/lng", ""},
		{"a region code that is no division", "POST", elders, elderBody("王秀兰", map[string]any{"address": func() map[string]any {
			a := address(31.2, 121.4)
			a["regionCode"] = "012345"
			return a
		}()}), 422, "validation_failed", "/address/regionCode", ""},
		{"an elder born tomorrow", "POST", elders, elderBody("王秀兰", map[string]any{"birthDate": dateAgo(0, 0, -1)}), 422, "elder_invalid", "/birthDate", "in_future"},
		{"an elder of 59", "POST", elders, elderBody("王秀兰", map[string]any{"birthDate": dateAgo(59, 0, 0)}), 422, "elder_invalid", "/birthDate", "age_out_of_range"},
		{"an unknown diet tag", "POST", elders, elderBody("王秀兰", map[string]any{"diet": map[string]any{"tags": []string{"low_salt", "keto"}}}), 422, "validation_failed", "/diet/tags/1", "enum"},
		{"an unknown mobility aid", "POST", elders, elderBody("王秀兰", map[string]any{"mobilityAids": []string{"jetpack"}}), 422, "validation_failed", "/mobilityAids/0", "enum"},
		{"an unknown living arrangement", "POST", elders, elderBody("王秀兰", map[string]any{"living": "on_a_boat"}), 422, "validation_failed", "/living", "enum"},
		{"an emergency contact with no mobile number", "POST", elders, elderBody("王秀兰", map[string]any{"emergencyContacts": contact("12345678901")}), 422, "elder_invalid", "/emergencyContacts/0/phone", "phone_invalid"},
		{"no address", "POST", elders, func() map[string]any { b := elderBody("王秀兰", nil); delete(b, "address"); return b }(), 422, "validation_failed", "/address", ""},
		{"a child born in the future", "POST", children, childBody("王乐乐", dateAgo(0, 0, -3)), 422, "child_invalid", "/birthDate", "in_future"},
		{"a child of six", "POST", children, childBody("王乐乐", dateAgo(6, 0, 0)), 422, "child_invalid", "/birthDate", "older_than_6_years"},
		{"a child without a name", "POST", children, childBody("", dateAgo(1, 0, 0)), 422, "validation_failed", "/name", ""},
		{"a family in no time zone", "POST", families, map[string]string{"name": "张家", "timeZone": "Mars/Olympus_Mons"}, 422, "time_zone_invalid", "/timeZone", ""},
		{"a family in the server's local zone", "POST", families, map[string]string{"name": "张家", "timeZone": "Local"}, 422, "time_zone_invalid", "/timeZone", ""},
		{"a family without a name", "POST", families, map[string]string{"name": ""}, 422, "validation_failed", "/name", ""},
		{"moving a family to no time zone", "PATCH", families + "/" + fam.ID, map[string]string{"timeZone": "Asia/Atlantis"}, 422, "time_zone_invalid", "/timeZone", ""},
		{"renaming and moving to no time zone at once", "PATCH", families + "/" + fam.ID, map[string]string{"name": "改名了", "timeZone": "Nowhere"}, 422, "time_zone_invalid", "/timeZone", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := wantProblem(t, son.do(t, c.method, c.path, c.body), c.status, c.code)
			if c.fcode == "" {
				wantField(t, p, c.field)
			} else {
				wantFieldCode(t, p, c.field, c.fcode)
			}
		})
	}
	if es := son.elders(t, fam.ID); len(es) != 0 {
		t.Errorf("refused elders were kept: %s", compactJSON(es))
	}
	if cs := son.children(t, fam.ID); len(cs) != 0 {
		t.Errorf("refused children were kept: %s", compactJSON(cs))
	}
	fs := must[listPage[familySummary]](t, son.get(t, families), http.StatusOK).Items
	if len(fs) != 1 || fs[0].Name != "王家" || fs[0].TimeZone != "Asia/Shanghai" {
		t.Errorf("families after the refusals: %s, want only 王家 in Asia/Shanghai, unrenamed", compactJSON(fs))
	}

	// Mistakes in changes to existing records keep the record as it was.
	mother := son.addElder(t, fam.ID, elderBody("王秀兰", nil))
	kid := son.addChild(t, fam.ID, childBody("王乐乐", dateAgo(2, 0, 0)))
	motherBefore := decode[map[string]any](t, son.get(t, "/v1/elders/"+mother.ID))
	kidBefore := decode[map[string]any](t, son.get(t, "/v1/children/"+kid.ID))
	son.consent(t, fam.ID, "elder_health", mother.ID)
	changes := []struct {
		name   string
		path   string
		body   any
		status int
		code   string
		field  string
	}{
		{"a new name with a birth date in the future", "/v1/elders/" + mother.ID, map[string]any{"name": "王秀英", "birthDate": dateAgo(0, 0, -1)}, 422, "elder_invalid", "/birthDate"},
		{"a new name that makes her 30", "/v1/elders/" + mother.ID, map[string]any{"name": "王秀英", "birthDate": dateAgo(30, 0, 0)}, 422, "elder_invalid", "/birthDate"},
		{"new notes with a latitude past the pole", "/v1/elders/" + mother.ID, map[string]any{"caregiverNotes": "新的", "address": address(-90.5, 121)}, 422, "validation_failed", "/address/lat"},
		{"conditions with an unknown diet tag", "/v1/elders/" + mother.ID, map[string]any{"conditions": []string{"高血压"}, "diet": map[string]any{"tags": []string{"paleo"}}}, 422, "validation_failed", "/diet/tags/0"},
		{"a child renamed and made seven", "/v1/children/" + kid.ID, map[string]any{"name": "王大乐", "birthDate": dateAgo(7, 0, 0)}, 422, "child_invalid", "/birthDate"},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			wantField(t, wantProblem(t, son.patch(t, c.path, c.body), c.status, c.code), c.field)
		})
	}
	t.Run("an unknown ability level", func(t *testing.T) {
		r := son.post(t, "/v1/elders/"+mother.ID+"/assessments", map[string]string{"level": "bedbound", "assessedOn": dateAgo(1, 1, 0), "assessedBy": "徐汇区评估中心"})
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/level")
	})
	t.Run("an assessment made tomorrow", func(t *testing.T) {
		r := son.post(t, "/v1/elders/"+mother.ID+"/assessments", map[string]string{"level": "mild", "assessedOn": dateAgo(0, 0, -1), "assessedBy": "徐汇区评估中心"})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, "elder_invalid"), "/assessedOn")
	})
	t.Run("a pickup person's ID digits", func(t *testing.T) {
		r := son.post(t, "/v1/children/"+kid.ID+"/pickup-persons", map[string]string{"name": "李秀英", "relation": "外婆", "phone": newPhone().national, "idLast4": "12345"})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), "/idLast4")
	})
	t.Run("a pickup person with no mobile number", func(t *testing.T) {
		r := son.post(t, "/v1/children/"+kid.ID+"/pickup-persons", map[string]string{"name": "李秀英", "relation": "外婆", "phone": "12345678901", "idLast4": "1234"})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, "child_invalid"), "/phone")
	})
	motherAfter := decode[map[string]any](t, son.get(t, "/v1/elders/"+mother.ID))
	if !reflect.DeepEqual(motherAfter, motherBefore) {
		t.Errorf("refused changes changed the elder:\nbefore %s\nafter  %s", compactJSON(motherBefore), compactJSON(motherAfter))
	}
	if kidAfter := decode[map[string]any](t, son.get(t, "/v1/children/"+kid.ID)); !reflect.DeepEqual(kidAfter, kidBefore) {
		t.Errorf("refused changes changed the child:\nbefore %s\nafter  %s", compactJSON(kidBefore), compactJSON(kidAfter))
	}
}

// TestAgesCountInTheFamilysTimeZone: an elder's age and a child's age in
// months are counted on the family's calendar. The family first lives on
// Kiritimati (UTC+14), where it is already the elder's 80th birthday and
// the child's first; moved to Pago Pago (UTC-11), a day or two behind,
// neither birthday has come yet.
func TestAgesCountInTheFamilysTimeZone(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: familyEnv()})
	son := srv.signUp(t)
	r := son.post(t, "/v1/families", map[string]string{"name": "王家", "timeZone": "Pacific/Kiritimati"})
	fam := must[familyView](t, r, http.StatusCreated)
	if fam.TimeZone != "Pacific/Kiritimati" {
		t.Fatalf("family time zone %q, want Pacific/Kiritimati", fam.TimeZone)
	}
	son.consent(t, fam.ID, "child_data", "")

	east := dayIn("Pacific/Kiritimati")
	if east.Month() == time.February && east.Day() == 29 {
		t.Skip("today on Kiritimati is 29 February: a birthday on it a year ago does not exist")
	}
	elderBorn := east.AddDate(-80, 0, 0).Format(time.DateOnly)
	childBorn := east.AddDate(-1, 0, 0).Format(time.DateOnly)
	mother := son.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"birthDate": elderBorn}))
	kid := son.addChild(t, fam.ID, childBody("王乐乐", childBorn))
	if mother.Age != 80 || kid.AgeMonths != 12 {
		t.Errorf("on Kiritimati: elder born %s is %d, child born %s is %d months; want 80 and 12", elderBorn, mother.Age, childBorn, kid.AgeMonths)
	}
	if got := son.elder(t, mother.ID).Age; got != 80 {
		t.Errorf("GET elder on Kiritimati: age %d, want 80", got)
	}

	moved := must[familyView](t, son.patch(t, "/v1/families/"+fam.ID, map[string]string{"timeZone": "Pacific/Pago_Pago"}), http.StatusOK)
	if moved.TimeZone != "Pacific/Pago_Pago" {
		t.Fatalf("moved family's time zone %q", moved.TimeZone)
	}
	if got := son.elder(t, mother.ID).Age; got != 79 {
		t.Errorf("GET elder on Pago Pago (%s): age %d, want 79", dayIn("Pacific/Pago_Pago").Format(time.DateOnly), got)
	}
	if got := son.child(t, kid.ID).AgeMonths; got != 11 {
		t.Errorf("GET child on Pago Pago: ageMonths %d, want 11", got)
	}
	if es := son.elders(t, fam.ID); len(es) != 1 || es[0].Age != 79 {
		t.Errorf("listed elders on Pago Pago: %s, want age 79", compactJSON(es))
	}
}

// dayIn is today's date in zone, at midnight UTC for date arithmetic.
func dayIn(zone string) time.Time {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
