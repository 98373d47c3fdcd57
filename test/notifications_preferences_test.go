package e2e_test

import (
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

type preferencesView struct {
	Categories map[string]bool `json:"categories"`
	QuietHours *struct {
		Start    string `json:"start"`
		End      string `json:"end"`
		TimeZone string `json:"timeZone"`
	} `json:"quietHours"`
}

const preferencesPath = "/v1/me/notification-preferences"

// shanghaiClock is the Shanghai wall-clock time d from now, as "HH:MM".
func shanghaiClock(d time.Duration) string {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return time.Now().Add(d).In(loc).Format("15:04")
}

// TestGrandmaChoosesWhichPushesWakeHer: what a user switches off or
// silences still reaches her inbox, but not her phone, and choices that
// make no sense are refused without changing anything.
func TestGrandmaChoosesWhichPushesWakeHer(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv := startPushServer(t, fcm, "", nil)
	owner := srv.signUp(t)
	fam := owner.createFamily(t, uniqueName("张家"))
	grandma := srv.signUp(t)
	grandmaPhone := grandma.addDevice(t, "android")

	defaults := map[string]bool{"orders": true, "bookings": true, "classes": true, "care_alerts": true,
		"family": true, "account": true, "marketing": false}
	got := must[preferencesView](t, grandma.get(t, preferencesPath), http.StatusOK)
	if !maps.Equal(got.Categories, defaults) || got.QuietHours != nil {
		t.Fatalf("default preferences %s, want every category but marketing on and no quiet hours", compactJSON(got))
	}

	t.Run("nonsense is refused and changes nothing", func(t *testing.T) {
		r := grandma.put(t, preferencesPath, map[string]any{"quietHours": map[string]string{"start": "25:00", "end": "07:00"}})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), "/quietHours/start")

		r = grandma.put(t, preferencesPath, map[string]any{"quietHours": map[string]string{"start": "22:00", "end": "22:00"}})
		wantFieldCode(t, wantProblem(t, r, http.StatusUnprocessableEntity, "notification_preferences_invalid"),
			"/quietHours/end", "quiet_hours_empty")

		r = grandma.put(t, preferencesPath, map[string]any{"quietHours": map[string]string{"start": "22:00", "end": "07:00", "timeZone": "Mars/Olympus_Mons"}})
		wantFieldCode(t, wantProblem(t, r, http.StatusUnprocessableEntity, "notification_preferences_invalid"),
			"/quietHours/timeZone", "time_zone_invalid")

		// The categories are the contract's: an unknown one is a schema
		// violation (422, like every unknown property), not a silent no-op.
		r = grandma.put(t, preferencesPath, map[string]any{"categories": map[string]bool{"sms": false}})
		wantFieldCode(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"),
			"/categories/sms", "unknown_property")

		wantProblem(t, grandma.put(t, preferencesPath, `{"categories":`), http.StatusBadRequest, "malformed_json")

		if after := must[preferencesView](t, grandma.get(t, preferencesPath), http.StatusOK); !maps.Equal(after.Categories, defaults) || after.QuietHours != nil {
			t.Errorf("refused changes were saved: %s", compactJSON(after))
		}
	})

	// She switches family news off: left-out categories keep their
	// defaults.
	r := grandma.put(t, preferencesPath, map[string]any{"categories": map[string]bool{"family": false}})
	saved := must[preferencesView](t, r, http.StatusOK)
	want := maps.Clone(defaults)
	want["family"] = false
	if !maps.Equal(saved.Categories, want) {
		t.Fatalf("saved categories %v, want %v", saved.Categories, want)
	}
	if again := must[preferencesView](t, grandma.get(t, preferencesPath), http.StatusOK); !maps.Equal(again.Categories, want) {
		t.Fatalf("GET after PUT: %v, want %v", again.Categories, want)
	}

	// An invite still reaches her inbox, but not her phone. A sign-in
	// (category account, still on) is pushed afterwards, showing the
	// pipeline works for her.
	inv := owner.invite(t, fam.ID, &grandma.phone, "member")
	if n := grandma.waitNotification(t, "family.invite_received"); n.Link.ID != inv.ID || n.Read {
		t.Errorf("grandma's invite entry %s, want an unread entry linking the invite", compactJSON(n))
	}
	grandma.addDevice(t, "ios")
	signIn := waitPushes(t, fcm, grandmaPhone, 1)
	srv.waitJobsIdle(t)
	wantPushCount(t, fcm, grandmaPhone, "grandma's phone (family switched off)", 1)
	if signIn[0].Data["type"] != "device.registered" {
		t.Errorf("grandma's phone got %s, want only the sign-in", describePushes(signIn))
	}

	t.Run("quiet hours hold pushes back, not inbox entries", func(t *testing.T) {
		grandpa := srv.signUp(t)
		grandpaPhone := grandpa.addDevice(t, "android")
		start, end := shanghaiClock(-time.Hour), shanghaiClock(time.Hour)
		r := grandpa.put(t, preferencesPath, map[string]any{"quietHours": map[string]string{"start": start, "end": end}})
		got := must[preferencesView](t, r, http.StatusOK)
		if q := got.QuietHours; q == nil || q.Start != start || q.End != end || q.TimeZone != "Asia/Shanghai" {
			t.Fatalf("saved quiet hours %s, want %s–%s in the default zone Asia/Shanghai", compactJSON(got.QuietHours), start, end)
		}
		if !maps.Equal(got.Categories, defaults) {
			t.Errorf("setting quiet hours changed the categories: %v", got.Categories)
		}

		// The same hours in New York (twelve or thirteen hours behind)
		// are not now: a cousin who set them there is pushed at once.
		cousin := srv.signUp(t)
		cousinPhone := cousin.addDevice(t, "android")
		r = cousin.put(t, preferencesPath, map[string]any{"quietHours": map[string]string{"start": start, "end": end, "timeZone": "America/New_York"}})
		wantStatus(t, r, http.StatusOK)

		owner.invite(t, fam.ID, &grandpa.phone, "member")
		owner.invite(t, fam.ID, &cousin.phone, "member")
		grandpa.waitNotification(t, "family.invite_received")
		if got := waitPushes(t, fcm, cousinPhone, 1)[0]; got.Data["type"] != "family.invite_received" {
			t.Errorf("the cousin's phone got %s, want the invite", describePushes([]fakefcm.Message{got}))
		}
		srv.settle(t)
		wantPushCount(t, fcm, grandpaPhone, "grandpa's phone in his quiet hours", 0)
		if in := grandpa.inbox(t, ""); in.UnreadCount != 1 {
			t.Errorf("grandpa's inbox %v with %d unread, want the invite unread", in.types(), in.UnreadCount)
		}
	})
}
