package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// quietUntil is the end of quiet hours a user can set now (whole minutes,
// Shanghai time) that lies between lead and lead plus a minute ahead,
// and that instant.
func quietUntil(lead time.Duration) (string, time.Time) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	end := time.Now().Add(lead).In(loc).Truncate(time.Minute).Add(time.Minute)
	return end.Format("15:04"), end
}

// TestDeferredPushSurvivesARestart: a push held back by quiet hours waits
// in the job queue; the server is stopped and started again on the same
// data, and the push still arrives when the quiet hours end, exactly
// once. With the embedded stores the queue itself is gone after the
// restart and is rebuilt from MongoDB; with a real Redis the task waits
// there and the rebuild must not double it.
func TestDeferredPushSurvivesARestart(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	dataDir := t.TempDir()
	sms := newSMSGateway(t)
	first := startPushServer(t, fcm, dataDir, sms)
	owner := first.signUp(t)
	fam := owner.createFamily(t, uniqueName("赵家"))
	daughter := first.signUp(t)
	phone := daughter.addDevice(t, "ios")

	// Her quiet hours began a while ago and end in 10 to 70 seconds (they
	// are whole minutes): time enough to restart the server (1–3 s) first.
	const lead = 10 * time.Second
	endClock, end := quietUntil(lead)
	set := time.Now()
	startClock := end.Add(-30 * time.Minute).In(end.Location()).Format("15:04")
	wantStatus(t, daughter.put(t, preferencesPath, map[string]any{"quietHours": map[string]string{"start": startClock, "end": endClock}}), http.StatusOK)

	owner.invite(t, fam.ID, &daughter.phone, "member")
	entry := daughter.waitNotification(t, "family.invite_received")
	first.stop(t)
	if t.Failed() {
		t.FailNow()
	}
	stopped := time.Now()
	second := startPushServer(t, fcm, dataDir, sms)
	t.Logf("quiet hours set %s before they end; invite, stop and start took %s (start %s)", end.Sub(set).Round(time.Second),
		time.Since(set).Round(time.Millisecond), time.Since(stopped).Round(time.Millisecond))
	if left := time.Until(end); left < time.Second {
		t.Fatalf("the restart ended %s before quiet hours did, too late to show the push waited for them", left)
	}
	if got := pushesTo(fcm, phone); len(got) != 0 {
		t.Fatalf("the daughter's phone was pushed in her quiet hours: %s", describePushes(got))
	}

	// The new process knows her (sessions and signing key live in the data
	// directory), still shows the entry, and pushes it once quiet hours end.
	daughter.srv = second
	if _, ok := daughter.inbox(t, "").entry(entry.ID); !ok {
		t.Fatalf("after the restart the inbox no longer lists %s", entry.ID)
	}
	deadline := time.Until(end) + pushWait
	if !waitUntil(deadline, func() bool { return len(pushesTo(fcm, phone)) > 0 }) {
		t.Fatalf("no push within %s of the restart (quiet hours ended at %s)", deadline, end.Format(time.TimeOnly))
	}
	got := pushesTo(fcm, phone)[0]
	if got.ReceivedAt.Before(end) {
		t.Errorf("the push arrived at %s, before quiet hours ended at %s", got.ReceivedAt.Format(time.TimeOnly), end.Format(time.TimeOnly))
	}
	wantPush(t, got, "家庭邀请", "您被邀请加入家庭「"+fam.Name+"」，打开 kincare 查看并接受。",
		map[string]string{"type": "family.invite_received", "notificationId": entry.ID})
	second.settle(t)
	wantPushCount(t, fcm, phone, "the daughter's phone", 1)
}
