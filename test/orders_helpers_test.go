package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// startOrderServer starts kincare with a platform admin to verify
// providers and, when fcm is given, pushes going to it with the relay
// and worker polling fast.
func startOrderServer(t *testing.T, fcm *fakefcm.Server) (*server, *person) {
	t.Helper()
	adminPhone := newPhone()
	env := []string{"ADMIN_PHONES", adminPhone.national}
	if fcm != nil {
		env = append(env, "FCM_PROJECT_ID", "kincare-e2e", "FCM_ENDPOINT", fcm.URL(),
			"OUTBOX_POLL_INTERVAL", "50ms", "JOBS_POLL_INTERVAL", "50ms")
	}
	srv := startServer(t, config{env: familyEnv(env...)})
	return srv, srv.loginExisting(t, adminPhone)
}

// hireCaregiver makes a new user a caregiver of the provider owner runs,
// certified for two years, with skills, a home base and weekly hours.
func (owner *person) hireCaregiver(t *testing.T, providerID string, skills []string, base point,
	hours []map[string]any) *person {
	t.Helper()
	ph := newPhone()
	wantStatus(t, owner.post(t, "/v1/providers/"+providerID+"/staff-invites",
		map[string]string{"phone": ph.national, "role": "caregiver"}), http.StatusCreated)
	carer := owner.srv.loginExisting(t, ph)
	wantStatus(t, carer.post(t, "/v1/providers/"+providerID+"/staff-invites/accept", nil), http.StatusOK)
	wantStatus(t, owner.do(t, http.MethodPut, "/v1/providers/"+providerID+"/caregivers/"+carer.id, map[string]any{
		"certificates": []certificateView{{Kind: "elderly_care_worker", Number: uniqueName("沪护"), Issuer: "上海市人社局",
			ExpiresOn: shanghaiToday().AddDate(2, 0, 0).Format(time.DateOnly)}},
		"skills": skills, "gender": "female", "languages": []string{"普通话"},
		"homeBase": map[string]float64{"lat": base.lat, "lng": base.lng}, "weeklyHours": hours, "active": true,
	}), http.StatusOK)
	return carer
}
