package e2e_test

// Rows: providers (public pages and search; their admins change them,
// platform admins verify them, regulators rate their credit), their
// service menus, and their staff. A verified provider's page, menu and
// offerings are public by design, so what only its admins may do answers
// anyone else 403 provider_admin_required: there is nothing to hide by
// answering 404.

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func providerRows(w *world) []row {
	ok, created := http.StatusOK, http.StatusCreated
	forbidden := http.StatusForbidden
	prov := "/v1/providers/" + w.provA
	near := "?near=" + w.homeA.String()
	return []row{
		{op: "searchProviders", fixture: fixture{path: "/v1/providers" + near}, others: ok, anon: ok},
		{op: "searchServices", fixture: fixture{path: "/v1/services" + near + "&type=bathing"}, others: ok, anon: ok},
		// Anyone may register a provider and becomes its admin: a fresh
		// account plays the one actor probed.
		{op: "registerProvider", fresh: func(t *testing.T, w *world) fixture {
			return ownAccount("/v1/providers", w.providerBody(randomPlace()))(t, w)
		}, others: created, only: []actor{famA}},
		{op: "getProvider", fixture: fixture{path: prov}, others: ok, anon: ok},
		{op: "updateProvider", fixture: fixture{path: prov, body: w.provABody}, want: who{provA: ok}, others: forbidden},
		{op: "decideProvider", fixture: fixture{path: prov + "/verification", body: map[string]string{"decision": "verify"}},
			want: who{platform: http.StatusConflict}, others: forbidden},
		{op: "setProviderCredit", fixture: fixture{path: prov + "/credit", body: map[string]string{"status": "normal"}},
			want: who{regul: ok, regulX: http.StatusNotFound}, others: forbidden},
		// Each regulator lists the providers of their regions (Suzhou's:
		// none of the world's); platform admins everyone's.
		{op: "listRegulatorProviders", fixture: fixture{path: "/v1/regulator/providers?kind=home_care"},
			want: who{regul: ok, regulX: ok, platform: ok}, others: forbidden},
		// A provider's credit history is its region's regulators' (Suzhou's:
		// 404, as setting its credit answers) and the platform's.
		{op: "listProviderCreditHistory", fixture: fixture{path: "/v1/regulator/providers/" + w.provA + "/credit-history"},
			want: who{regul: ok, regulX: http.StatusNotFound, platform: ok}, others: forbidden},
		{op: "listOfficialActions", fixture: fixture{path: "/v1/regulator/audit-log"},
			want: who{regul: ok, regulX: ok, platform: ok}, others: forbidden},
		{op: "exportOfficialActions", fixture: fixture{path: "/v1/regulator/audit-log/export?format=xlsx"},
			want: who{regul: ok, regulX: ok, platform: ok}, others: forbidden},
		// Shanghai's indicators are Shanghai's regulator's (Suzhou's: 403
		// region_not_supervised; regions are public) and the platform's.
		{op: "getRegulatorIndicators", fixture: fixture{path: "/v1/regulator/indicators?region=310100"},
			want: who{regul: ok, platform: ok}, others: forbidden},
		{op: "getRegulatorIndicatorTrend", fixture: fixture{path: "/v1/regulator/indicators/trend?region=310104"},
			want: who{regul: ok, platform: ok}, others: forbidden},
		{op: "exportRegulatorIndicatorTrend", fixture: fixture{path: "/v1/regulator/indicators/trend/export?region=310104&format=xlsx"},
			want: who{regul: ok, platform: ok}, others: forbidden},
		{op: "rebuildIndicators", fixture: fixture{path: "/v1/regulator/indicators/rebuild"},
			want: who{platform: ok}, others: forbidden},
		// A district's resident figures are its regulators' (Suzhou's:
		// 403 region_not_supervised) and the platform's to read and enter.
		{op: "getRegionResidents", fixture: fixture{path: "/v1/regulator/regions/310104/residents"},
			want: who{regul: ok, platform: ok}, others: forbidden},
		{op: "putRegionResidents", fixture: fixture{path: "/v1/regulator/regions/310104/residents/" +
			strconv.Itoa(shanghaiToday().Year()-1), body: map[string]int{"aged60Plus": 312000}},
			want: who{regul: ok, platform: ok}, others: forbidden},
		{op: "exportRegulatorIndicators", fixture: fixture{path: "/v1/regulator/indicators/export?region=310100&format=xlsx"},
			want: who{regul: ok, platform: ok}, others: forbidden},
		{op: "exportRegulatorProviders", fixture: fixture{path: "/v1/regulator/providers/export?kind=home_care"},
			want: who{regul: ok, regulX: ok, platform: ok}, others: forbidden},
		// The expiry list and its file follow the register: each
		// regulator's regions (Suzhou's: an empty list), everyone's for a
		// platform admin.
		{op: "listRegulatorExpiries", fixture: fixture{path: "/v1/regulator/expiries?withinDays=366"},
			want: who{regul: ok, regulX: ok, platform: ok}, others: forbidden},
		{op: "exportRegulatorExpiries", fixture: fixture{path: "/v1/regulator/expiries/export?format=xlsx"},
			want: who{regul: ok, regulX: ok, platform: ok}, others: forbidden},
		{op: "exportRegulatorComplaints", fixture: fixture{path: "/v1/regulator/complaints/export"},
			want: who{regul: ok, regulX: ok}, others: forbidden},
		{op: "listServiceItems", fixture: fixture{path: prov + "/items"}, others: ok, anon: ok},
		{op: "addServiceItem", fixture: fixture{path: prov + "/items", body: itemBody("cleaning", 8000, 6000)},
			want: who{provA: created}, others: forbidden},
		{op: "getProviderStatement", fixture: fixture{path: prov + "/statements/" + shanghaiToday().Format("2006-01")},
			want: who{provA: ok, officeA: ok}, others: http.StatusNotFound},
		{op: "updateServiceItem", fixture: fixture{path: prov + "/items/" + w.itemA, body: map[string]bool{"active": true}},
			want: who{provA: ok}, others: forbidden},
	}
}

func staffRows(w *world) []row {
	ok, none, created := http.StatusOK, http.StatusNoContent, http.StatusCreated
	nf, forbidden := http.StatusNotFound, http.StatusForbidden
	prov := "/v1/providers/" + w.provA
	return []row{
		{op: "inviteStaff", each: func(*testing.T, *world) fixture {
			return fixture{path: prov + "/staff-invites", body: map[string]string{"phone": newPhone().national, "role": "caregiver"}}
		}, want: who{provA: created}, others: forbidden},
		// The invited phone's user accepts (a fresh account plays famB).
		{op: "acceptStaffInvite", fresh: func(t *testing.T, w *world) fixture {
			invited := w.signUp(t)
			wantStatus(t, w.who(provA).post(t, prov+"/staff-invites",
				map[string]string{"phone": invited.phone.national, "role": "caregiver"}), created)
			return fixture{path: prov + "/staff-invites/accept", as: map[actor]string{famB: invited.access}}
		}, want: who{famB: ok}, others: nf},
		{op: "listStaff", fixture: fixture{path: prov + "/staff"}, want: who{provA: ok, officeA: ok, carerA: ok}, others: forbidden},
		{op: "removeStaff", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: prov + "/staff/" + w.hire(t, provA, w.provA, []string{"cleaning"}, w.homeA.offset(900, 0)).id}
		}, want: who{provA: none}, others: forbidden},
		{op: "setCaregiver", fixture: fixture{path: prov + "/caregivers/" + w.who(carerA).id,
			body: caregiverBody([]string{"bathing"}, w.homeA.offset(300, 0))}, want: who{provA: ok}, others: forbidden},
		{op: "setUserRoles", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/users/" + w.signUp(t).id + "/roles", body: map[string][]string{"roles": {"family"}}}
		}, want: who{platform: ok}, others: forbidden},
		// Binding a regulator to regions is the platform's, never a
		// regulator's own (or they would widen their jurisdiction).
		{op: "setUserRegions", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/users/" + w.signUp(t).id + "/regions", body: map[string][]string{"regionCodes": {"310104"}}}
		}, want: who{platform: ok}, others: forbidden},
	}
}

// caregiverBody is a caregiver certified for two years in skills, based
// at base, working around the clock.
func caregiverBody(skills []string, base point) map[string]any {
	return map[string]any{
		"certificates": []certificateView{{Kind: "elderly_care_worker", Number: uniqueName("沪护"), Issuer: "上海市人社局",
			ExpiresOn: shanghaiToday().AddDate(2, 0, 0).Format(time.DateOnly)}},
		"skills": skills, "gender": "female", "languages": []string{"普通话"},
		"homeBase": map[string]float64{"lat": base.lat, "lng": base.lng}, "weeklyHours": allDay(), "active": true,
	}
}
