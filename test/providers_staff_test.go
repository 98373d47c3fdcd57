package e2e_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// The JSON of the staff endpoints.

type staffInviteView struct {
	Phone     string    `json:"phone"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expiresAt"`
}

type myStaffInviteView struct {
	ProviderID   string    `json:"providerId"`
	ProviderName string    `json:"providerName"`
	Role         string    `json:"role"`
	ExpiresAt    time.Time `json:"expiresAt"`
}

type certificateView struct {
	Kind      string `json:"kind"`
	Number    string `json:"number"`
	Issuer    string `json:"issuer"`
	ExpiresOn string `json:"expiresOn"`
}

type caregiverView struct {
	Certificates []certificateView `json:"certificates"`
	Skills       []string          `json:"skills"`
	Gender       string            `json:"gender"`
	Languages    []string          `json:"languages"`
	HomeBase     struct {
		Lat float64 `json:"lat"`
		Lng float64 `json:"lng"`
	} `json:"homeBase"`
	WeeklyHours []hoursView `json:"weeklyHours"`
	Active      bool        `json:"active"`
}

type staffMemberView struct {
	UserID   string            `json:"userId"`
	Role     string            `json:"role"`
	JoinedAt time.Time         `json:"joinedAt"`
	Care     *caregiverView    `json:"caregiver"`
	Expiring []certificateView `json:"expiringCertificates"`
}

// staffMember is userID's entry in a staff list, if listed.
func staffMember(items []staffMemberView, userID string) (staffMemberView, bool) {
	for _, s := range items {
		if s.UserID == userID {
			return s, true
		}
	}
	return staffMemberView{}, false
}

func certNumbers(cs []certificateView) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Number
	}
	slices.Sort(out)
	return out
}

// TestProviderStaffHiresACertifiedCaregiver follows a verified home-care
// provider hiring a caregiver by phone: the invite waits for that phone's
// owner, accepting it grants the caregiver role once, the admin enters the
// caregiver's certificates and skills, a certificate lapsing within 30
// days is flagged to admins and staff alike, only admins manage staff,
// office staff have no caregiver profile, and a removed caregiver loses
// sight of the staff list at once.
func TestProviderStaffHiresACertifiedCaregiver(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, platform := st.srv, st.admin
	owner := srv.signUp(t)    // A, the provider's admin
	stranger := srv.signUp(t) // a family user with nothing to do with it

	name := uniqueName("上海徐汇康乐居家养老服务中心")
	prov := owner.register(t, providerBody(name, randomPlace(), 5, newPhone(), nil))
	invites := "/v1/providers/" + prov.ID + "/staff-invites"
	accept := invites + "/accept"
	staffPath := "/v1/providers/" + prov.ID + "/staff"
	caregiverPath := func(userID string) string { return "/v1/providers/" + prov.ID + "/caregivers/" + userID }

	t.Run("a pending provider is hidden from strangers", func(t *testing.T) {
		someone := newPhone()
		wantProblem(t, stranger.post(t, invites, map[string]string{"phone": someone.national, "role": "caregiver"}),
			http.StatusNotFound, "provider_not_found")
		wantProblem(t, stranger.get(t, staffPath), http.StatusNotFound, "provider_not_found")
	})

	platform.verify(t, prov.ID)

	// A invites P2, who has no account yet, as a caregiver.
	p2Phone := newPhone()
	before := time.Now()
	inv := must[staffInviteView](t, owner.post(t, invites, map[string]string{"phone": p2Phone.national, "role": "caregiver"}),
		http.StatusCreated)
	if inv.Phone != p2Phone.masked() || inv.Role != "caregiver" {
		t.Errorf("invite answered phone %q role %q, want %q and caregiver", inv.Phone, inv.Role, p2Phone.masked())
	}
	if ttl := inv.ExpiresAt.Sub(before); ttl < 7*24*time.Hour-time.Minute || ttl > 7*24*time.Hour+time.Minute {
		t.Errorf("invite expires at %s, %s from now, want 7 days", inv.ExpiresAt, ttl)
	}

	t.Run("an invite names a known role", func(t *testing.T) {
		p := wantProblem(t, owner.post(t, invites, map[string]string{"phone": newPhone().national, "role": "nurse"}),
			http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/role")
	})

	p2 := srv.loginExisting(t, p2Phone)

	pending := must[listPage[myStaffInviteView]](t, p2.get(t, "/v1/me/staff-invites"), http.StatusOK)
	if len(pending.Items) != 1 {
		t.Fatalf("P2's GET /v1/me/staff-invites = %s, want just the invite from %s", compactJSON(pending), prov.ID)
	}
	if got := pending.Items[0]; got.ProviderID != prov.ID || got.ProviderName != name || got.Role != "caregiver" ||
		got.ExpiresAt.Sub(inv.ExpiresAt).Abs() >= time.Millisecond { // the store keeps milliseconds
		t.Errorf("P2's pending invite is %s, want provider %s named %s, caregiver, expiring %s",
			compactJSON(got), prov.ID, name, inv.ExpiresAt)
	}
	if others := must[listPage[myStaffInviteView]](t, stranger.get(t, "/v1/me/staff-invites"), http.StatusOK); len(others.Items) != 0 {
		t.Errorf("a stranger sees staff invites %s addressed to someone else", compactJSON(others))
	}
	// Invited is not yet hired.
	wantProblem(t, p2.get(t, staffPath), http.StatusForbidden, "provider_admin_required")

	// P2 accepts once; the role shows on P2's next request.
	joined := must[map[string]any](t, p2.post(t, accept, nil), http.StatusOK)
	if joined["providerId"] != prov.ID || joined["role"] != "caregiver" {
		t.Errorf("accept answered %s, want providerId %s and role caregiver", compactJSON(joined), prov.ID)
	}
	if roles := srv.me(t, p2.access).Roles; !slices.Contains(roles, "caregiver") {
		t.Errorf("after accepting, P2's GET /v1/me shows roles %q, want caregiver among them", roles)
	}
	if left := must[listPage[myStaffInviteView]](t, p2.get(t, "/v1/me/staff-invites"), http.StatusOK); len(left.Items) != 0 {
		t.Errorf("after accepting, P2 still has pending invites %s", compactJSON(left))
	}
	wantProblem(t, p2.post(t, accept, nil), http.StatusNotFound, "staff_invite_not_found")
	wantProblem(t, stranger.post(t, accept, nil), http.StatusNotFound, "staff_invite_not_found")

	// A enters P2's profile: a certificate lapsing within 30 days, one
	// good for 90 and one already lapsed (Shanghai dates, as the
	// provider keeps them).
	today := shanghaiToday()
	soon := certificateView{Kind: "elderly_care_worker", Number: uniqueName("沪护2024"), Issuer: "上海市人力资源和社会保障局",
		ExpiresOn: today.AddDate(0, 0, 20).Format(time.DateOnly)}
	later := certificateView{Kind: "nurse", Number: uniqueName("沪护士2025"), Issuer: "上海市卫生健康委员会",
		ExpiresOn: today.AddDate(0, 0, 90).Format(time.DateOnly)}
	lapsed := certificateView{Kind: "health_manager", Number: uniqueName("健管2020"), Issuer: "中国就业培训技术指导中心",
		ExpiresOn: today.AddDate(0, 0, -10).Format(time.DateOnly)}
	profile := func(change map[string]any) map[string]any {
		b := map[string]any{
			"certificates": []certificateView{soon, later, lapsed},
			"skills":       []string{"bathing"},
			"gender":       "female",
			"languages":    []string{"普通话", "上海话"},
			"homeBase":     map[string]float64{"lat": 31.1883, "lng": 121.4365},
			"weeklyHours":  []map[string]any{{"weekday": 2, "open": "08:00", "close": "17:00"}},
			"active":       true,
		}
		for k, v := range change {
			b[k] = v
		}
		return b
	}
	set := must[staffMemberView](t, owner.do(t, http.MethodPut, caregiverPath(p2.id), profile(nil)), http.StatusOK)
	if set.UserID != p2.id || set.Role != "caregiver" || set.Care == nil {
		t.Fatalf("PUT caregiver answered %s, want P2 %s as a caregiver with a profile", compactJSON(set), p2.id)
	}
	if !slices.Equal(set.Care.Skills, []string{"bathing"}) || len(set.Care.Certificates) != 3 || !set.Care.Active {
		t.Errorf("PUT caregiver answered profile %s, want skills [bathing], 3 certificates, active", compactJSON(set.Care))
	}

	wantExpiring := certNumbers([]certificateView{soon, lapsed})
	checkStaff := func(t *testing.T, who string, viewer *person) []staffMemberView {
		t.Helper()
		list := must[listPage[staffMemberView]](t, viewer.get(t, staffPath), http.StatusOK).Items
		m, ok := staffMember(list, p2.id)
		if !ok {
			t.Fatalf("%s's GET staff = %s, does not list P2 %s", who, compactJSON(list), p2.id)
		}
		if m.Role != "caregiver" || m.Care == nil {
			t.Fatalf("%s sees P2 as %s, want a caregiver with a profile", who, compactJSON(m))
		}
		if !slices.Equal(m.Care.Skills, []string{"bathing"}) || m.Care.Gender != "female" ||
			!slices.Equal(certNumbers(m.Care.Certificates), certNumbers([]certificateView{soon, later, lapsed})) {
			t.Errorf("%s sees P2's profile %s, want skills [bathing] and the three certificates", who, compactJSON(m.Care))
		}
		if got := certNumbers(m.Expiring); !slices.Equal(got, wantExpiring) {
			t.Errorf("%s sees P2's expiringCertificates %s, want exactly %q (expires %s) and %q (lapsed %s), not %q (expires %s)",
				who, compactJSON(m.Expiring), soon.Number, soon.ExpiresOn, lapsed.Number, lapsed.ExpiresOn, later.Number, later.ExpiresOn)
		}
		for _, c := range m.Expiring {
			if c.Number == soon.Number && c != soon {
				t.Errorf("%s sees the expiring certificate as %s, want %s", who, compactJSON(c), compactJSON(soon))
			}
		}
		return list
	}
	t.Run("admins and staff see the certificate to renew", func(t *testing.T) {
		checkStaff(t, "A", owner)
		checkStaff(t, "P2", p2)
	})

	t.Run("the caregiver and the admin are reminded to renew, once", func(t *testing.T) {
		// soon is inside the 30-day warning, so its reminder is due now;
		// later's comes in 60 days; lapsed is history.
		for who, p := range map[string]*person{"P2": p2, "A": owner} {
			n := p.waitNotification(t, "provider.certificate_expiring")
			if n.Link.Kind != "provider" || n.Link.ID != prov.ID || !strings.Contains(n.Body, soon.Number) ||
				!strings.Contains(n.Body, soon.ExpiresOn) || n.Category != "account" {
				t.Errorf("%s's reminder %s, want one linking provider %s about %s expiring %s",
					who, compactJSON(n), prov.ID, soon.Number, soon.ExpiresOn)
			}
		}
		// Entering the same profile again reminds nobody twice.
		wantStatus(t, owner.do(t, http.MethodPut, caregiverPath(p2.id), profile(nil)), http.StatusOK)
		srv.waitJobsIdle(t)
		var reminders int
		for _, n := range p2.inbox(t, "?limit=100").Items {
			if n.Type == "provider.certificate_expiring" {
				reminders++
			}
		}
		if reminders != 1 {
			t.Errorf("P2 has %d certificate reminders, want 1", reminders)
		}
	})

	t.Run("a caregiver profile is checked", func(t *testing.T) {
		badCert := func(field string, v any) map[string]any {
			c := map[string]any{"kind": soon.Kind, "number": soon.Number, "issuer": soon.Issuer, "expiresOn": soon.ExpiresOn}
			c[field] = v
			return profile(map[string]any{"certificates": []map[string]any{c}})
		}
		for _, c := range []struct {
			name  string
			body  map[string]any
			code  string // empty: the schema's date format or the handler's parse may catch it
			field string
		}{
			{"an unknown skill", profile(map[string]any{"skills": []string{"massage"}}), "validation_failed", "/skills/0"},
			{"an unknown certificate kind", badCert("kind", "acupuncturist"), "validation_failed", "/certificates/0/kind"},
			{"an impossible expiry date", badCert("expiresOn", "2026-02-30"), // calendar-safe: never a date
				"", "/certificates/0/expiresOn"},
			{"an expiry that is not a date", badCert("expiresOn", "30/06/2028"), "", "/certificates/0/expiresOn"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := owner.do(t, http.MethodPut, caregiverPath(p2.id), c.body)
				code := c.code
				if code == "" {
					code = "validation_failed"
					if r.json["code"] == "staff_invalid" {
						code = "staff_invalid"
					}
				}
				wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, code), c.field)
			})
		}
		// Nothing refused was kept.
		checkStaff(t, "A", owner)
	})

	t.Run("only the provider's admins manage staff", func(t *testing.T) {
		wantProblem(t, stranger.get(t, staffPath), http.StatusForbidden, "provider_admin_required")
		wantProblem(t, stranger.post(t, invites, map[string]string{"phone": stranger.phone.national, "role": "caregiver"}),
			http.StatusForbidden, "provider_admin_required")
		wantProblem(t, p2.post(t, invites, map[string]string{"phone": newPhone().national, "role": "caregiver"}),
			http.StatusForbidden, "provider_admin_required")
		wantProblem(t, p2.do(t, http.MethodPut, caregiverPath(p2.id),
			profile(map[string]any{"skills": []string{"bathing", "cleaning"}})), http.StatusForbidden, "provider_admin_required")
		wantProblem(t, p2.del(t, staffPath+"/"+p2.id), http.StatusForbidden, "provider_admin_required")
		wantProblem(t, owner.do(t, http.MethodPut, caregiverPath(stranger.id), profile(nil)),
			http.StatusNotFound, "staff_not_found")
		// None of it changed P2's profile.
		checkStaff(t, "A", owner)
	})

	// A hires P3 for the office; office staff have no caregiver profile.
	p3Phone := newPhone()
	must[staffInviteView](t, owner.post(t, invites, map[string]string{"phone": p3Phone.national, "role": "provider_staff"}),
		http.StatusCreated)
	p3 := srv.loginExisting(t, p3Phone)
	joined = must[map[string]any](t, p3.post(t, accept, nil), http.StatusOK)
	if joined["role"] != "provider_staff" {
		t.Errorf("P3's accept answered %s, want role provider_staff", compactJSON(joined))
	}
	if roles := srv.me(t, p3.access).Roles; !slices.Contains(roles, "provider_staff") || slices.Contains(roles, "caregiver") {
		t.Errorf("after accepting, P3's GET /v1/me shows roles %q, want provider_staff and not caregiver", roles)
	}
	wantProblem(t, owner.do(t, http.MethodPut, caregiverPath(p3.id), profile(nil)), http.StatusConflict, "not_a_caregiver")
	list := checkStaff(t, "P3", p3)
	if m, ok := staffMember(list, p3.id); !ok || m.Role != "provider_staff" || m.Care != nil || len(m.Expiring) != 0 {
		t.Errorf("the staff list shows P3 as %s, want provider_staff without a caregiver profile", compactJSON(m))
	}
	if len(list) != 2 {
		t.Errorf("the staff list is %s, want just P2 and P3", compactJSON(list))
	}

	// A lets P2 go: P2 loses sight of the staff list at once.
	wantStatus(t, owner.del(t, staffPath+"/"+p2.id), http.StatusNoContent)
	wantProblem(t, p2.get(t, staffPath), http.StatusForbidden, "provider_admin_required")
	list = must[listPage[staffMemberView]](t, owner.get(t, staffPath), http.StatusOK).Items
	if _, ok := staffMember(list, p2.id); ok {
		t.Errorf("after removal the staff list still shows P2: %s", compactJSON(list))
	}
	if _, ok := staffMember(list, p3.id); !ok {
		t.Errorf("removing P2 also removed P3: %s", compactJSON(list))
	}
	wantProblem(t, owner.del(t, staffPath+"/"+p2.id), http.StatusNotFound, "staff_not_found")
	wantProblem(t, owner.do(t, http.MethodPut, caregiverPath(p2.id), profile(nil)), http.StatusNotFound, "staff_not_found")
	// The role the job gave goes with the job.
	if roles := srv.me(t, p2.access).Roles; slices.Contains(roles, "caregiver") || !slices.Contains(roles, "family") {
		t.Errorf("after removal P2's roles are %q, want family without caregiver", roles)
	}
}

// TestCaregiversSeeColleaguesSkillsNotWhereTheyLive: on a provider's
// staff list a caregiver sees her colleagues' roles and skills, never
// their certificate numbers, home base or hours, which stay with the
// provider's admins, its office staff and each caregiver's own entry.
func TestCaregiversSeeColleaguesSkillsNotWhereTheyLive(t *testing.T) {
	t.Parallel()
	srv, platform := startOrderServer(t, nil)
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇康乐居家养老服务中心"), randomPlace(), 5, newPhone(), nil))
	platform.verify(t, prov.ID)
	lan := owner.hireCaregiver(t, prov.ID, []string{"bathing"}, point{lat: 31.1883, lng: 121.4365}, allDay())
	mei := owner.hireCaregiver(t, prov.ID, []string{"cleaning", "meal_aid"}, point{lat: 31.2011, lng: 121.4522}, allDay())
	deskPhone := newPhone()
	wantStatus(t, owner.post(t, "/v1/providers/"+prov.ID+"/staff-invites",
		map[string]string{"phone": deskPhone.national, "role": "provider_staff"}), http.StatusCreated)
	desk := srv.loginExisting(t, deskPhone)
	wantStatus(t, desk.post(t, "/v1/providers/"+prov.ID+"/staff-invites/accept", nil), http.StatusOK)
	staffPath := "/v1/providers/" + prov.ID + "/staff"

	// What only those who run the provider may see of Mei.
	full := must[listPage[staffMemberView]](t, owner.get(t, staffPath), http.StatusOK).Items
	meiFull, ok := staffMember(full, mei.id)
	if !ok || meiFull.Care == nil || len(meiFull.Care.Certificates) != 1 {
		t.Fatalf("the admin sees Mei as %s, want her full profile", compactJSON(meiFull))
	}
	secrets := []string{meiFull.Care.Certificates[0].Number, "31.2011", "121.4522"}

	for who, viewer := range map[string]*person{"the admin": owner, "the office": desk, "Mei herself": mei} {
		list := must[listPage[staffMemberView]](t, viewer.get(t, staffPath), http.StatusOK).Items
		m, _ := staffMember(list, mei.id)
		if m.Care == nil || len(m.Care.Certificates) != 1 || m.Care.HomeBase.Lat != 31.2011 || len(m.Care.WeeklyHours) == 0 {
			t.Errorf("%s sees Mei as %s, want her certificates, home base and hours", who, compactJSON(m))
		}
	}

	r := lan.get(t, staffPath)
	list := must[listPage[staffMemberView]](t, r, http.StatusOK).Items
	if leaked := containsAny(r.body, map[string]string{"Mei's certificate": secrets[0], "Mei's home latitude": secrets[1],
		"Mei's home longitude": secrets[2]}); len(leaked) > 0 {
		t.Errorf("Lan's staff list shows %v: %s", leaked, r.body)
	}
	m, ok := staffMember(list, mei.id)
	if !ok || m.Role != "caregiver" || m.Care == nil || !slices.Equal(m.Care.Skills, []string{"cleaning", "meal_aid"}) {
		t.Errorf("Lan sees Mei as %s, want a caregiver with her skills", compactJSON(m))
	}
	var raw struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, item := range raw.Items {
		if item["userId"] != mei.id {
			continue
		}
		care, _ := item["caregiver"].(map[string]any)
		if len(care) != 1 || item["expiringCertificates"] != nil {
			t.Errorf("Lan sees of Mei %v, want only her skills", item)
		}
	}
	// Lan still sees all of her own entry.
	if own, _ := staffMember(list, lan.id); own.Care == nil || len(own.Care.Certificates) != 1 || own.Care.HomeBase.Lat != 31.1883 {
		t.Errorf("Lan sees her own entry as %s, want it in full", compactJSON(own))
	}
}
