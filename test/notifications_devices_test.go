package e2e_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestNewSignInIsAnnouncedOnTheOtherPhones: a user signs in on a tablet,
// then on a laptop. Each earlier device hears of each new one, exactly
// once; a device is never told about itself, and an app restarting (its
// token registered again) is no new sign-in.
func TestNewSignInIsAnnouncedOnTheOtherPhones(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv := startPushServer(t, fcm, "", nil)
	user := srv.signUp(t)
	phone := user.addDevice(t, "android")
	// A first device tells nobody; see TestDeviceIsNotToldOfSignInsBeforeIt
	// for the device after it.

	tablet := user.addDevice(t, "ios")
	got := waitPushes(t, fcm, phone, 1)[0]
	wantPush(t, got, "新设备登录", "您的账号已在一台新设备（ios）上登录。如非本人操作，请立即退出登录。",
		map[string]string{"kind": "device", "type": "device.registered"})
	entry, ok := user.inbox(t, "?limit=100").entry(got.Data["notificationId"])
	if !ok || entry.Type != "device.registered" || entry.Link.Kind != "device" || entry.Link.ID != got.Data["id"] {
		t.Errorf("the push's notificationId %q names inbox entry %s, want the device.registered entry with the same link",
			got.Data["notificationId"], compactJSON(entry))
	}
	for _, token := range []string{tablet, phone} {
		for _, part := range strings.Split(token, ":") {
			if strings.Contains(got.Data["id"], part) {
				t.Errorf("the push's deep link %q reveals a push token", got.Data["id"])
			}
		}
	}

	// The phone's app restarts and registers its token again: an update,
	// not a sign-in. A laptop then signs in, and both earlier devices hear
	// of the laptop (and only of it).
	wantStatus(t, user.registerDevice(t, phone, "android"), http.StatusOK)
	laptop := user.addDevice(t, "web")
	waitPushes(t, fcm, tablet, 1)
	waitPushes(t, fcm, phone, 2)
	srv.waitJobsIdle(t)
	wantPushCount(t, fcm, phone, "the phone (told of the tablet and the laptop)", 2)
	wantPushCount(t, fcm, tablet, "the tablet (told of the laptop)", 1)
	wantPushCount(t, fcm, laptop, "the laptop (nothing to be told of)", 0)
	for _, m := range append(pushesTo(fcm, phone)[1:], pushesTo(fcm, tablet)...) {
		if !strings.Contains(m.Notification.Body, "（web）") {
			t.Errorf("a push after the laptop signed in says %q, want it to be about the web device", m.Notification.Body)
		}
	}
	var signIns int
	for _, n := range user.inbox(t, "?limit=100").Items {
		if n.Type == "device.registered" {
			signIns++
		}
	}
	if signIns != 2 {
		t.Errorf("the inbox holds %d sign-ins, want 2 (tablet, laptop; not the first phone, not the restart)", signIns)
	}
}

// TestUninstalledAppIsForgotten: a user uninstalled kincare from an old
// phone, whose token FCM now answers UNREGISTERED. The next push to the
// user reaches the current phone and forgets the old one, which is never
// tried again.
func TestUninstalledAppIsForgotten(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv := startPushServer(t, fcm, "", nil)
	owner := srv.signUp(t)
	fam := owner.createFamily(t, uniqueName("李家"))
	user := srv.signUp(t)
	currentPhone := user.addDevice(t, "android")
	srv.waitJobsIdle(t)
	oldPhone := fcmToken()
	fcm.FailToken(oldPhone, fakefcm.Unregistered())
	wantStatus(t, user.registerDevice(t, oldPhone, "ios"), http.StatusCreated)
	waitPushes(t, fcm, currentPhone, 1) // told of the old phone; the old phone itself is not tried
	srv.waitJobsIdle(t)
	if n := fcm.Requests(); n != 1 {
		t.Fatalf("FCM got %d send requests for the old phone's sign-in, want 1 (to the current phone)", n)
	}

	// An invite is pushed to both: the current phone gets it, the old one is
	// refused and forgotten.
	owner.invite(t, fam.ID, &user.phone, "member")
	pushes := waitPushes(t, fcm, currentPhone, 2)
	if pushes[1].Data["type"] != "family.invite_received" {
		t.Errorf("the current phone's second push is %s, want the invite", describePushes(pushes[1:]))
	}
	if !waitUntil(pushWait, func() bool { return !slices.Contains(user.deviceTokens(t), oldPhone) }) {
		t.Fatalf("the UNREGISTERED token is still listed %s after the push", pushWait)
	}
	if got := user.deviceTokens(t); !slices.Equal(got, []string{currentPhone}) {
		t.Errorf("devices after pruning: %d listed, want just the current phone", len(got))
	}
	// One attempt each: the current phone twice, the old one once (FCM's
	// UNREGISTERED is final, so neither the SDK nor the queue retries it).
	srv.waitJobsIdle(t)
	if n := fcm.Requests(); n != 3 {
		t.Errorf("FCM got %d send requests, want 3", n)
	}
	if !waitUntil(ioWait, func() bool { return strings.Contains(srv.logs(), `"msg":"dead push token forgotten"`) }) {
		t.Errorf("the server did not log forgetting the dead token")
	}
	if strings.Contains(srv.logs(), oldPhone) || strings.Contains(srv.logs(), oldPhone[:20]) {
		t.Errorf("the log contains the dead push token")
	}

	// The next push goes to the current phone alone.
	laptop := user.addDevice(t, "web")
	waitPushes(t, fcm, currentPhone, 3)
	srv.waitJobsIdle(t)
	if n := fcm.Requests(); n != 4 {
		t.Errorf("FCM got %d send requests after the laptop signed in, want 4 (the forgotten token is not tried)", n)
	}
	wantPushCount(t, fcm, laptop, "the laptop", 0)
}

// TestDeviceIsNotToldOfSignInsBeforeIt: a user signs in on her phone and,
// a moment later, on her tablet. The tablet must not be told "your
// account was signed in on a new android device" about the phone, which
// signed in before it.
func TestDeviceIsNotToldOfSignInsBeforeIt(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv := startPushServer(t, fcm, "", nil)
	user := srv.signUp(t)
	phone := user.addDevice(t, "android")
	tablet := user.addDevice(t, "ios")
	waitPushes(t, fcm, phone, 1) // told of the tablet
	srv.waitJobsIdle(t)
	wantPushCount(t, fcm, tablet, "the tablet, registered after the phone", 0)
}
